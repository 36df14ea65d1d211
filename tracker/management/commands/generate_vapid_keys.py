from django.core.management.base import BaseCommand

from tracker.services.push import vapid_keys_generate


class Command(BaseCommand):
    help = "Print a new VAPID key pair for web push, as environment variables."

    def handle(self, *args: object, **options: object) -> None:
        public, private = vapid_keys_generate()
        self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}")
