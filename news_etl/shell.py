"""`news-etl shell`: a small interactive SQL prompt on the warehouse views (read-only)."""

from __future__ import annotations

import sys
from pathlib import Path

HELP = """Statements end with ';'. Commands: .tables  .schema VIEW  .queries  .help  .quit
Named queries run with: .run NAME key=value ..."""


def shell(wh: Path) -> int:
    from news_etl import query
    from tasks.store.views import connect

    try:
        import readline  # noqa: F401  (line editing and history where available)
    except ImportError:
        pass
    con = connect(wh)  # NoWarehouse: the command line says so and exits 2
    interactive = sys.stdin.isatty()
    if interactive:
        print(f"news-etl warehouse {wh.resolve()}\n{HELP}")
    buf: list[str] = []
    while True:
        try:
            line = input("news> " if not buf else "   ...> ") if interactive else sys.stdin.readline()
        except EOFError:
            break
        if not interactive and line == "":
            break
        line = line.rstrip("\n")
        stripped = line.strip()
        if not buf and stripped.startswith("."):
            cmd, *rest = stripped.split()
            if cmd in (".quit", ".exit"):
                break
            try:
                if cmd == ".tables":
                    query.write(query.run(con, "select table_name as view from "
                                          "information_schema.tables order by 1", None), "table", None)
                elif cmd == ".schema" and rest:
                    query.write(query.run(con, f'describe "{rest[0]}"', None), "table", None)
                elif cmd == ".queries":
                    print(query.list_text())
                elif cmd == ".run" and rest:
                    sql, params = query.resolve(rest[0], query.parse_params(rest[1:]))
                    query.write(query.run(con, sql, params), "table", None)
                else:
                    print(HELP)
            except query.QueryError as exc:
                print(f"error: {exc}")
            continue
        if stripped:
            buf.append(line)
        if buf and stripped.endswith(";"):
            sql = "\n".join(buf)
            buf = []
            try:
                query.write(query.run(con, sql, None), "table", None)
            except query.QueryError as exc:
                print(f"error: {exc}")
    con.close()
    return 0
