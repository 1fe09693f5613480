"""The dashboards as staff meet them: who may see them, the plots with their tables, and the
same numbers as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from masthead.insights import exports

pytestmark = pytest.mark.django_db


def staff(client, *codenames):
    user = get_user_model().objects.create_user(
        username="revenue", email="revenue@example.com", password="x", is_staff=True
    )
    for code in codenames:
        user.user_permissions.add(
            Permission.objects.get(codename=code, content_type__app_label="insights")
        )
    client.force_login(user)
    return user


def rows_of(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_staff_without_the_view_revenue_permission_are_refused(client):
    staff(client)
    assert client.get("/admin/insights/revenue/").status_code == 403
    assert client.get("/admin/insights/conversion/").status_code == 403
    assert client.get("/admin/insights/export/subscribers.csv").status_code == 403


def test_readers_who_are_not_staff_are_sent_to_sign_in(client):
    get_user_model().objects.create_user(username="reader", email="r@example.com", password="x")
    client.login(username="reader", password="x")
    response = client.get("/admin/insights/revenue/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_revenue_dashboard_shows_the_months_movement_with_plots_and_tables(client, ledger):
    staff(client, "view_revenue")
    response = client.get("/admin/insights/revenue/?month=2026-11")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Revenue — November 2026" in page
    assert page.count("<svg class='chart wide'") >= 4  # and as many narrow ones for phones
    assert page.count("<svg class='chart narrow'") == page.count("<svg class='chart wide'")
    # INR: start ₹1,588.33, new ₹225, end ₹1,484.50 (worked in the ledger test).
    for figure in ("₹1,588.33", "₹225.00", "₹1,484.50", "₹303.83", "$18.24"):
        assert figure in page, figure


def test_each_table_downloads_as_csv_with_plain_minor_units(client, ledger):
    staff(client, "view_revenue")
    response = client.get("/admin/insights/revenue/mrr-movement.csv?month=2026-11")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == ["currency", "movement", "amount_minor", "customers"]
    inr = {r[1]: int(r[2]) for r in rows[1:] if r[0] == "INR"}
    assert inr == {
        "Start of month": 158_833,
        "New": 22_500,
        "Expansion": 20_000,
        "Reactivation": 29_900,
        "Contraction": -30_383,
        "Churn (voluntary)": -22_500,
        "Churn (involuntary)": -29_900,
        "End of month": 148_450,
    }
    assert client.get("/admin/insights/revenue/no-such-table.csv?month=2026-11").status_code == 404


def test_a_month_that_is_not_a_month_is_a_clear_400(client):
    staff(client, "view_revenue")
    response = client.get("/admin/insights/revenue/?month=November")
    assert response.status_code == 400
    assert "use YYYY-MM" in response.content.decode()
    assert client.get("/admin/insights/conversion/?days=9999").status_code == 400


def test_the_conversion_dashboard_renders_empty_panels_honestly(client):
    staff(client, "view_revenue")
    response = client.get("/admin/insights/conversion/?days=7")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Conversion — last 7 days" in page and "Top converting stories today" in page


def test_the_subscribers_export_carries_every_subscription(client, ledger):
    staff(client, "view_revenue", "export_readers")
    rows = rows_of(client.get("/admin/insights/export/subscribers.csv"))
    assert rows[0][:4] == ["subscription", "email", "plan", "status"]
    assert len(rows) - 1 == 12  # A–K, with I's two subscriptions
    assert {"a@example.com", "k@example.com"} <= {r[1] for r in rows[1:]}


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_quoted():
    assert exports.cell('=HYPERLINK("http://evil")') == '\'=HYPERLINK("http://evil")'
    assert exports.cell("+91 98200") == "'+91 98200"
    assert exports.cell("Priya") == "Priya"


def test_the_admin_index_has_a_revenue_section_linking_both_dashboards_for_those_allowed(client):
    staff(client, "view_revenue")
    index = client.get("/admin/").content.decode()
    assert "Revenue" in index
    assert "/admin/insights/revenuedashboard/" in index
    assert "/admin/insights/conversiondashboard/" in index
    opened = client.get("/admin/insights/revenuedashboard/", follow=True)
    assert opened.redirect_chain[-1][0] == "/admin/insights/revenue/"
    assert "Revenue —" in opened.content.decode()
    assert client.get("/admin/insights/conversiondashboard/")["Location"] == (
        "/admin/insights/conversion/"
    )


def test_staff_without_the_permission_see_no_revenue_section_in_the_admin_index(client):
    staff(client)
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/admin/insights/revenuedashboard/" not in page
    assert "Masthead back office" in page  # the index itself, without the section
    assert client.get("/admin/insights/revenuedashboard/").status_code == 403
