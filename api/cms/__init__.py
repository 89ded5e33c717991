"""Education content: home feed, sections, search. Pages themselves come from wagtail-grapple (`page`, `pages`)."""
