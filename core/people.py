"""How a person is named to other people: one rule for histories, rankings, forum posts and the app."""


def display_name(user, cadre=None) -> str:
    """The cadre's registered name when one is given, else the user's full name, else the login name; "" for None.

    ``cadre`` is passed by callers that have it at hand (directory sits above core, so core never looks it up).
    """
    if user is None:
        return cadre.name if cadre is not None else ""
    return (cadre.name if cadre is not None else "") or user.get_full_name() or user.get_username()
