from api.core.dataloaders import GroupedLoader
from complaints import selectors


class UpdatesByCaseLoader(GroupedLoader[int]):
    context_key = "complaints.updates_by_case"

    def group(self, keys):
        return selectors.updates_by_case(keys)
