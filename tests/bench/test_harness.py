"""The bench harness's own logic (bench/run.py): which scripts take part, medians and spreads,
the rewriting of BENCHMARKS.md's marker blocks. No server, no database, no timing asserted."""

from bench import run


def m(table, row, metric, value):
    return {"table": table, "row": row, "metric": metric, "value": value, "unit": "orders/s", "better": "higher",
            "command": "bench/x.py --json out.json"}  # fmt: skip


def test_median_and_spread_of_three_runs_per_row_and_metric_in_first_seen_order():
    runs = [
        [m("intake", "1 client", "orders/s", 10), m("intake", "4 clients", "orders/s", 30)],
        [m("intake", "1 client", "orders/s", 14), m("intake", "4 clients", "orders/s", 31)],
        [m("intake", "1 client", "orders/s", 12), m("intake", "4 clients", "orders/s", 29), m("intake", "1 client", "p50 ms", 5)],
    ]  # fmt: skip
    table = run.aggregate(runs)["intake"]
    assert table.rows == ["1 client", "4 clients"]
    assert table.metrics == ["orders/s", "p50 ms"]
    assert table.cells[("1 client", "orders/s")].median == 12
    block = run.render("intake", table, runs=3, machine="2 cores", target="make bench")
    assert "| 1 client | 12 (10–14) | 5 |" in block
    assert "| 4 clients | 30 (29–31) | – |" in block
    assert block.startswith("<!-- bench:intake -->") and block.endswith("<!-- /bench:intake -->")


def test_numbers_keep_their_figures_without_false_precision():
    assert [run.number(v) for v in (0, 3, 2.345, 27.66, 571.4, 1234.0)] == [
        "0",
        "3",
        "2.35",
        "27.7",
        "571",
        "1,234",
    ]


def test_rewrite_replaces_a_block_keeps_the_text_around_it_and_appends_a_new_one():
    text = "# Benchmarks\n\nhand text\n<!-- bench:intake -->\nold table\n<!-- /bench:intake -->\nmore hand text\n"
    out = run.rewrite(text, {"intake": "<!-- bench:intake -->\nnew\n<!-- /bench:intake -->",
                             "cycle": "<!-- bench:cycle -->\nc\n<!-- /bench:cycle -->"})  # fmt: skip
    assert "old table" not in out
    assert "hand text\n<!-- bench:intake -->\nnew\n<!-- /bench:intake -->\nmore hand text" in out
    assert out.endswith("<!-- bench:cycle -->\nc\n<!-- /bench:cycle -->\n")


def test_scripts_take_part_by_marker_or_by_reading_the_harness_environment():
    assert run.follows_protocol("BENCH_PROTOCOL = 1\n") is True
    assert run.follows_protocol("BENCH_PROTOCOL = 1\nBENCH_PEER_ONLY = 1\n") is None
    assert run.follows_protocol("os.environ['O2C_BENCH_BASE_URL']\nparser.add_argument('--json')") is True
    assert run.follows_protocol("parser.add_argument('--json')  # an older bench") is False
    assert run.follows_protocol("BENCH_PROTOCOL = 0\nO2C_BENCH_BASE_URL --json") is False
    names = [script.name for script in run.discover()]
    assert names[:3] == ["statements", "order_intake", "full_cycle"]
    assert "legacy_server" not in names and "common" not in names


def test_a_peer_that_ran_in_one_round_gives_its_ratio_to_every_round():
    tryton = {"table": "peer-tryton", "row": "Tryton", "metric": "intake orders/s", "value": 0.5}
    first = [m("intake-one-customer", "16 clients", "O2C orders/s", 25)]
    second = [m("intake-one-customer", "16 clients", "O2C orders/s", 30), tryton]
    ratios = run.peer_ratios(first, [*first, *second])
    assert [(r["row"], r["value"]) for r in ratios] == [
        ("intake, one customer, 16 clients / Tryton intake", 50.0)
    ]
