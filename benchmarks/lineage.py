"""What quote lineage costs a run, against the NLP time the same run spent, and what it found.

    .venv/bin/python benchmarks/lineage.py --warehouse /tmp/allsides-wh [--top 10]

Times the grouping of every live direct quote into quotations (tasks/corpus/lineage.py: reading
the quotes, candidates, alignment) on a built warehouse, divides it by the wall time of the runs
that built it (or by words / --words-per-second), then prints the quotations seen in three or
more outlets, the most repeated with their outlets and first appearance, and the conflicts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tasks.corpus import build  # noqa: E402
from tasks.store import views  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--top", type=int, default=10, help="quotations listed (default 10)")
    ap.add_argument("--context", action="store_true",
                    help="under each conflict, its other speakers' appearances: the speaker as "
                         "written, the rule that chose it, and the words before the quote (to "
                         "tell a misattribution from our own speaker error)")
    ap.add_argument("--words-per-second", type=float, default=None,
                    help="estimate NLP time as words / this instead of the runs' wall time")
    args = ap.parse_args()
    con = views.connect(args.warehouse)
    wall = con.sql("select sum(wall_seconds) from runs where status = 'completed'").fetchall()[0][0]
    articles, words = con.sql("select count(*), sum(word_count) from articles").fetchall()[0]
    direct = con.sql("select count(*) from quotes where quote_type = 'direct'").fetchall()[0][0]
    if not args.words_per_second and not wall:
        raise SystemExit("no completed run to time: pass --words-per-second")
    t = time.perf_counter()
    table = build.quotation_table(con)
    took = time.perf_counter() - t
    nlp = words / args.words_per_second if args.words_per_second else wall
    basis = f"{args.words_per_second:,.0f} words/s" if args.words_per_second else "runs' wall time"
    print(f"warehouse: {articles:,} articles, {words:,} words, {direct:,} direct quotes; "
          f"NLP time {nlp:,.0f} s ({basis})")
    print(f"lineage: {took:.2f} s for {table.num_rows:,} appearances in "
          f"{len(set(table.column('quotation_id').to_pylist())):,} quotations; "
          f"{took / nlp:.2%} of NLP time")
    counts = con.sql("select count(*) filter (where outlets >= 3), count(*) filter (where conflict), "
                     "count(*) filter (where conflict and outlets >= 3) from quotations").fetchall()[0]
    print(f"quotations in 3+ outlets: {counts[0]:,}; conflicting: {counts[1]:,} "
          f"({counts[2]:,} of them in 3+ outlets)")
    print(f"\nthe {args.top} most repeated")
    for text, outlets, n, src, when, clock, speakers in con.sql(
            "select text, outlets, articles, first_source, first_seen_at, first_date_source, "
            "speakers from quotations order by outlets desc, articles desc, quotation_id "
            f"limit {int(args.top)}").fetchall():
        who = "; ".join(f"{s['speaker']} {s['share']:.0%}" for s in speakers) or "no one"
        day = f"{when:%Y-%m-%d}" if when else "undated"
        print(f"  {outlets:3} outlets {n:3} articles  first {src} {day} ({clock})  [{who}]")
        print(f"      “{text[:150]}{'…' if len(text) > 150 else ''}”")
    print("\nconflicts in 3+ outlets")
    for text, speakers, qid in con.sql(
            "select text, speakers, quotation_id from quotations where conflict and outlets >= 3 "
            "order by articles desc, quotation_id").fetchall():
        who = "; ".join(f"{s['speaker']} {s['quotes']}" for s in speakers)
        print(f"  {qid}  [{who}]  “{text[:120]}”")
        if not args.context:
            continue
        for sp, written, rule, src, before in con.sql(
                "select qa.speaker, q.speaker_text, q.speaker_rule, qa.source, "
                "substr(a.text, greatest(1, q.spans[1].start - 110), 110) "
                "from quotation_appearances qa join quotes q using (article_id, quote_index) "
                "join articles a using (article_id) where qa.quotation_id = $q "
                "and qa.speaker is not null and qa.speaker <> $top order by qa.seen_at",
                params={"q": qid, "top": speakers[0]["speaker"]}).fetchall():
            print(f"      -> {sp} (written '{written}', {rule}) [{src}] …"
                  f"{' '.join(before.split())}")
    con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
