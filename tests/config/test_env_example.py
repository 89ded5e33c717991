import re

from django.conf import settings


def test_every_environment_variable_the_settings_read_is_documented_in_env_example():
    settings_dir = settings.BASE_DIR / "config" / "settings"
    read = set()
    for path in settings_dir.glob("*.py"):
        read |= set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", path.read_text()))
    documented = set(re.findall(r"^#?\s*([A-Z_]+)=", (settings.BASE_DIR / ".env.example").read_text(), re.M))
    assert read, "no env() calls found: the pattern is stale"
    assert read - documented == set()
