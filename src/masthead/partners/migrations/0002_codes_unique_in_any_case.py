"""The database holds a pool's code once in any letter case, as the upload already does.

Codes uploaded before the upload compared them without case may already sit in a pool twice
("DR-aaaa-0001" and "DR-AAAA-0001"). This migration refuses to run over them rather than merge:
either copy may have been handed to a reader, and only the partner knows whether their codes
are case-sensitive. Nothing changes when it refuses (the migration is one transaction).
"""

from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Lower


def mark_or_refuse_codes_alike_in_case(apps: Any, schema_editor: Any) -> None:
    PartnerCode = apps.get_model("partners", "PartnerCode")
    if settings.PARTNER_CODES_CASE_SENSITIVE:
        # This publisher's partners' codes are case-sensitive: the codes already uploaded
        # were compared with case, and stay apart.
        PartnerCode.objects.update(case_sensitive=True)
        return
    alike: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = PartnerCode.objects.annotate(folded=Lower("code")).order_by("pool_id", "pk")
    for pool_id, folded, pk in rows.values_list("pool_id", "folded", "pk"):
        alike[(pool_id, folded)].append(pk)
    clashes = [(pool_id, pks) for (pool_id, _), pks in alike.items() if len(pks) > 1]
    if not clashes:
        return
    # Pool and code ids only: a code's text is a secret (see partners.models).
    named = "; ".join(
        f"pool #{pool_id}: codes " + ", ".join(f"#{pk}" for pk in pks) for pool_id, pks in clashes
    )
    raise RuntimeError(
        f"{len(clashes)} partner code(s) are stored more than once in the same pool, differing "
        f"only in letter case ({named}). Nothing was changed. If these partners' codes are "
        "case-sensitive, set MASTHEAD_PARTNER_CODES_CASE_SENSITIVE=true and migrate again; "
        "otherwise ask the partner which copy is theirs, delete the other (unclaimed) one in "
        "`masthead shell`, and migrate again."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="partnercode",
            name="case_sensitive",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_or_refuse_codes_alike_in_case, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="partnercode",
            constraint=models.UniqueConstraint(
                Lower("code"),
                models.F("pool"),
                condition=models.Q(("case_sensitive", False)),
                name="partner_code_once_per_pool_any_case",
            ),
        ),
    ]
