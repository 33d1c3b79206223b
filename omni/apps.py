from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmniConfig(AppConfig):
    name = "omni"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from . import authentication  # noqa: F401 - connects the signals that drop cached API clients
        from .console import connect_signals as connect_console_signals
        from .registry import ApiLink, NavEntry, Seeder, registry
        from .seed import seed_organisation

        registry.add(
            NavEntry(_("Dashboard"), "dashboard", "speedometer2", lambda actor: True, order=0),
            NavEntry(_("Administration"), "admin:index", "gear", lambda actor: actor.is_admin, order=900),
            ApiLink("locations", "location-list"),
            Seeder("organisation", seed_organisation),
        )
        connect_console_signals()  # the console backends print only while serving
