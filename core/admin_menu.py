"""Admin menu items shown only to the users a page is for."""

from wagtail.admin.menu import MenuItem


class PermittedMenuItem(MenuItem):
    """A menu item shown to users who pass ``test(user)``, or who hold ``permission`` ("app.codename")."""

    def __init__(self, *args, test=None, permission=None, **kwargs):
        if (test is None) == (permission is None):
            raise TypeError("PermittedMenuItem needs exactly one of test= or permission=")
        super().__init__(*args, **kwargs)
        self.test = test or (lambda user: user.has_perm(permission))

    def is_shown(self, request):
        return self.test(request.user)
