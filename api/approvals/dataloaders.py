from api.core.dataloaders import GroupedLoader
from approvals import selectors


class MaterialsByItemLoader(GroupedLoader[int]):
    context_key = "approvals.materials_by_item"

    def group(self, keys):
        return selectors.materials_by_item(keys)


class StepsByItemLoader(GroupedLoader[int]):
    """Steps with their departments prefetched: `Step.departments` reads no more rows."""

    context_key = "approvals.steps_by_item"

    def group(self, keys):
        return selectors.steps_by_item(keys)


def expect_items(context, items) -> None:
    """A list of items announces itself, so that the first item's materials or steps load those of all."""
    keys = [item.pk for item in items]
    MaterialsByItemLoader(context).expect(keys)
    StepsByItemLoader(context).expect(keys)
