"""One warehouse folder as an object bound to its root, as dlt's ``FileStorage`` is: where
everything lives (the layout's names), the seed tables, committing a batch, the ledger, run
records, the views and the registry of corpus-level tables.

The layers above the store (the flow, the commands) hold a ``Warehouse``; the store's modules
(layout, staging, commit, ledger, runs, views, aggregates) are its implementation, each a set of
plain functions a test can call on a folder.

Reading never writes: ``connect`` and ``ledger`` read the folder as it is. A warehouse written
by an earlier version, whose seed tables lack a column the views now read, is upgraded by
``upgrade`` at the start of the next run; a read before then is refused with that advice
(``WarehouseOutdated``), never answered from half-matching tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tasks.store import aggregates, commit, layout, ledger, runs, staging, views


@dataclass(frozen=True)
class Warehouse:
    """The warehouse at ``root``."""

    root: Path

    # --- where things live (tasks/store/layout.py) ---------------------------------------------
    @property
    def database(self) -> Path:
        """news.duckdb: the views any DuckDB client opens."""
        return self.root / layout.DB_NAME

    @property
    def batches(self) -> Path:
        return layout.batches_dir(self.root)

    @property
    def runs_dir(self) -> Path:
        return layout.runs_dir(self.root)

    @property
    def staging(self) -> Path:
        return layout.staging_dir(self.root)

    @property
    def logs(self) -> Path:
        return self.root / layout.LOGS

    def table_file(self, batch: str, table: str) -> Path:
        """One table's Parquet file in one committed batch."""
        return layout.table_file(self.root, batch, table)

    def aggregate_file(self, name: str) -> Path:
        """A registered corpus-level table's file (tasks/store/aggregates.py)."""
        return aggregates.path(self.root, name)

    # --- state -----------------------------------------------------------------------------------
    def exists(self) -> bool:
        """Initialised: the seed tables every view reads are in place."""
        return views.is_warehouse(self.root)

    def current(self) -> bool:
        """Its seed tables have the schemas this version's views read."""
        return staging.seeds_current(self.root)

    def upgrade(self) -> None:
        """Create the folders and seed tables, or bring an earlier version's up to date: the
        one place a warehouse's format changes, at the start of a run, under its lock."""
        staging.init_warehouse(self.root)

    def committed_batches(self) -> list[str]:
        return commit.committed_batches(self.root)

    def aggregates_current(self) -> bool:
        """The corpus-level tables were computed from exactly the committed batches."""
        return aggregates.current(self.root, self.committed_batches())

    # --- writing (a run, under the warehouse lock) -------------------------------------------------
    def commit(self, batch_id: str) -> None:
        """Publish a staged batch by one rename."""
        commit.commit_batch(self.root, batch_id)

    def write_run(self, run: runs.RunRecord) -> None:
        runs.write_run(self.root, run)

    def publish_views(self) -> bool:
        """Rewrite news.duckdb when the committed batches or the view SQL changed."""
        return views.publish_views(self.root)

    # --- reading (never writes; an earlier version's warehouse is refused: WarehouseOutdated) ----
    def ledger(self) -> ledger.Ledger:
        """What the warehouse last recorded for each input path."""
        return ledger.read_ledger(self.root)

    def connect(self, writable: Path | None = None) -> Any:
        """A read-only, locked-down DuckDB connection with every view (tasks/store/views.py)."""
        return views.connect(self.root, writable)
