"""The annotation list's row checkbox comes first in its row, as on the other lists with bulk actions (secret keys:
the first cell), not inside the Annotation column."""

import re

import pytest
from django.urls import reverse

from tests.annotations.test_bulk_annotations import made
from tests.bulk_support import text

pytestmark = pytest.mark.django_db


def test_the_checkbox_is_in_the_first_cell_of_each_row(operator_client, sim):
    made(sim, "Launch of the spring campaign", "Pricing page redesign")

    page = text(operator_client.get(reverse("annotations:list")))

    table = page[page.index('<table class="table annotation-table') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :], re.S)
    assert len(rows) >= 2
    for row in rows:
        cells = re.findall(r"<td\b.*?</td>", row, re.S)
        assert "data-bulk-item" in cells[0], cells[0]
        assert not any("data-bulk-item" in cell for cell in cells[1:])
    assert re.search(r'<td class="col-when"[^>]*><div class="bulk-cell"><input type="checkbox"', table)
