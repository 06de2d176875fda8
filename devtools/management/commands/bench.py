from django.core.management.base import BaseCommand, CommandError

from devtools import bench


class Command(BaseCommand):
    help = (
        "Time the everyday pages and the half-year report against the generated data (make data SCALE=city first): "
        "median and p95 through Django's full stack, query counts, the raw SQL time of the same statements and a "
        "trivial authenticated view for comparison. Prints a table and writes the figures as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=20, help="Timed requests per page.")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first.")
        parser.add_argument("--only", default="", help="Measure only the pages whose name contains this.")
        parser.add_argument("--explain", action="store_true", help="Print each statement's time and a plan.")
        parser.add_argument("--output", default="benchmarks/latest.json", help="Where to write the figures.")

    def handle(self, *args, **options):
        try:
            outcome = bench.run(
                warmup=options["warmup"],
                repeat=options["repeat"],
                only=options["only"],
                show_plans=options["explain"],
                log=self.stdout.write,
            )
        except bench.BenchError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(bench.table(outcome))
        if options["only"]:
            return  # a partial run does not replace the figures
        bench.write(outcome, options["output"])
        self.stdout.write(self.style.SUCCESS(f"Figures written to {options['output']}."))
