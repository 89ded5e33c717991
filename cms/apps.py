from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def set_up_site(sender, using, **kwargs):
    """After every migrate: our home page as the site root, and the review workflow with the editors' permissions."""
    from cms.services import ensure_home_page

    ensure_home_page(using=using)


class CmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cms"
    verbose_name = _("Online education")

    def ready(self):
        from cms.signal_handlers import register_signal_handlers

        post_migrate.connect(set_up_site, sender=self)
        register_signal_handlers()
