from django.core.management.base import BaseCommand, CommandError

from devtools import datagen


class Command(BaseCommand):
    help = (
        "Generate realistic data at scale for load tests: Hanoi's communes (loaded first), five years of reception "
        "sessions, visits, citizens, letters and cases with deadlines, a 'created' event and designations. "
        "Scales: tiny (300 cases, for tests), small (10,000 cases, 2,000 sessions; SQLite allowed), district "
        "(100,000 / 20,000) and city (1,000,000 / 200,000, every commune); district and city need PostgreSQL "
        "and load with COPY. Generated rows are created by the inactive user 'datagen' and numbered 'G…'; no "
        "history (django-simple-history) rows are written for them. --reset deletes earlier generated rows "
        "first. Grassroots party organizations (coded 'G…') are generated under each commune, with five years of "
        "ratings and a dossier for each one rated 'did not complete its tasks'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(datagen.SCALES), default="small", help="How much to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed gives the same data.")
        parser.add_argument("--reset", action="store_true", help="Delete previously generated rows first.")

    def handle(self, *args, **options):
        try:
            report = datagen.generate(
                scale_name=options["scale"], seed=options["seed"], reset=options["reset"], log=self.stdout.write
            )
        except datagen.GenerationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{'table':<28}{'rows':>12}{'load s':>10}{'rows/s':>12}")
        for table in report.tables:
            rate = table.count / table.seconds if table.seconds else 0
            self.stdout.write(f"{table.name:<28}{table.count:>12,}{table.seconds:>10.1f}{rate:>12,.0f}")
        loading = sum(table.seconds for table in report.tables)
        self.stdout.write(
            f"Generating rows {report.generate_seconds - loading:.1f} s, loading {loading:.1f} s, "
            f"rebuilding indexes {report.index_seconds:.1f} s, VACUUM/ANALYZE {report.analyze_seconds:.1f} s"
            + (f", reset {report.reset_seconds:.1f} s" if report.reset_seconds is not None else "")
            + f"; total {report.total_seconds:.1f} s."
        )
        shares = datagen.profile(datagen.datagen_user())
        self.stdout.write("Shares (%): " + ", ".join(f"{name} {value}" for name, value in shares.items()))
        self.stdout.write(self.style.SUCCESS("Done."))
