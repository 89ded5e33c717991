from django.core.management.base import BaseCommand

from cms.search import rebuild_index


class Command(BaseCommand):
    help = "Rebuild the site search index from every live, public page."

    def handle(self, *args, **options):
        count = rebuild_index()
        self.stdout.write(f"Indexed {count} pages.")
