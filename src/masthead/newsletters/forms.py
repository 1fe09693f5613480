from __future__ import annotations

from django import forms


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    newsletters = forms.MultipleChoiceField(
        label="Newsletters",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one newsletter."},
    )

    def __init__(self, *args: object, choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["newsletters"].choices = choices  # type: ignore[attr-defined]
