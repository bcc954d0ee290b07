/**
 * The run store's schema as an append-only list of migrations. A store records the highest version applied; opening
 * it applies the rest in one transaction each, so a store written by an older version opens in a newer one. Never
 * edit a migration that has shipped: add the next one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs, iterations and their stages; problems, candidates, executions, checkpoints, scores',
    sql: `
      CREATE TABLE runs (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        config_json TEXT NOT NULL,
        seed        INTEGER NOT NULL
      );
      CREATE TABLE iterations (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        idx          INTEGER NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
        metrics_json TEXT,
        started_at   TEXT,
        finished_at  TEXT,
        UNIQUE (run_id, idx)
      );
      -- One row per finished or failed stage: resuming starts at the first stage without a 'done' row.
      CREATE TABLE stages (
        iteration_id INTEGER NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
        stage        TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('done', 'failed')),
        started_at   TEXT NOT NULL,
        finished_at  TEXT NOT NULL,
        output_json  TEXT,
        error        TEXT,
        PRIMARY KEY (iteration_id, stage)
      );
      CREATE TABLE problems (
        id        INTEGER PRIMARY KEY,
        run_id    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        task_id   TEXT NOT NULL,
        language  TEXT NOT NULL,
        split     TEXT NOT NULL CHECK (split IN ('train', 'heldout')),
        prompt    TEXT NOT NULL,
        data_json TEXT NOT NULL,
        UNIQUE (run_id, task_id)
      );
      CREATE TABLE candidates (
        id           INTEGER PRIMARY KEY,
        iteration_id INTEGER NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
        problem_id   INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
        sample_idx   INTEGER NOT NULL,
        code         TEXT NOT NULL,
        tokens       BLOB,
        logprobs     BLOB,
        UNIQUE (iteration_id, problem_id, sample_idx)
      );
      CREATE TABLE executions (
        id            INTEGER PRIMARY KEY,
        candidate_id  INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        attempt       INTEGER NOT NULL DEFAULT 0,
        status        TEXT NOT NULL,
        exit_code     INTEGER,
        tests_passed  INTEGER,
        tests_total   INTEGER,
        wall_ms       REAL,
        cpu_ms        REAL,
        stdout        TEXT NOT NULL DEFAULT '',
        stderr        TEXT NOT NULL DEFAULT '',
        created_at    TEXT NOT NULL,
        UNIQUE (candidate_id, attempt)
      );
      CREATE TABLE checkpoints (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        iteration_id INTEGER REFERENCES iterations(id) ON DELETE SET NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('tokenizer', 'generator', 'reranker', 'prm', 'value')),
        path         TEXT NOT NULL,
        parent_id    INTEGER REFERENCES checkpoints(id),
        created_at   TEXT NOT NULL,
        meta_json    TEXT
      );
      CREATE TABLE scores (
        candidate_id     INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        checkpoint_id    INTEGER NOT NULL REFERENCES checkpoints(id) ON DELETE CASCADE,
        score            REAL NOT NULL,
        line_scores_json TEXT,
        PRIMARY KEY (candidate_id, checkpoint_id)
      );
      CREATE INDEX candidates_by_problem ON candidates (problem_id, iteration_id);
      CREATE INDEX scores_by_checkpoint ON scores (checkpoint_id, score);
    `,
  },
  {
    version: 2,
    name: 'labels as an append-only history; the event log',
    sql: `
      CREATE TABLE labels (
        id           INTEGER PRIMARY KEY,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id),
        verdict      TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'unsure')),
        note         TEXT NOT NULL DEFAULT '',
        author       TEXT NOT NULL,
        created_at   TEXT NOT NULL
      );
      CREATE INDEX labels_by_candidate ON labels (candidate_id, id);
      -- What a person labelled is never lost: rows can be added, never changed or removed.
      CREATE TRIGGER labels_no_update BEFORE UPDATE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END;
      CREATE TRIGGER labels_no_delete BEFORE DELETE ON labels
        BEGIN SELECT RAISE(ABORT, 'labels are append-only'); END;
      CREATE TABLE events (
        id           INTEGER PRIMARY KEY,
        run_id       INTEGER REFERENCES runs(id) ON DELETE CASCADE,
        iteration_id INTEGER REFERENCES iterations(id) ON DELETE CASCADE,
        time         TEXT NOT NULL,
        level        TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
        source       TEXT NOT NULL,
        message      TEXT NOT NULL
      );
      CREATE INDEX events_by_run ON events (run_id, id);
    `,
  },
  {
    version: 3,
    name: 'mining results (hard negatives, disputed samples) and weak-test probes',
    sql: `
      CREATE TABLE mined (
        iteration_id INTEGER NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        kind         TEXT NOT NULL CHECK (kind IN ('hard-negative', 'disputed')),
        detail_json  TEXT NOT NULL,
        PRIMARY KEY (iteration_id, candidate_id, kind)
      );
      CREATE INDEX mined_by_kind ON mined (iteration_id, kind);
      -- What a passing candidate returned on inputs beyond its tests (a digest), to find tests too weak to decide.
      CREATE TABLE probes (
        candidate_id INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
        signature    TEXT
      );
    `,
  },
  {
    version: 4,
    name: 'label undo as an appended row that names the label it takes back',
    sql: `
      -- An undo row carries the verdict it restores ('unsure' when the undone label was the first) and the id of the
      -- label it takes back, so the history stays append-only and "no label" can be told from "unsure".
      ALTER TABLE labels ADD COLUMN undo_of INTEGER REFERENCES labels(id);
    `,
  },
  {
    version: 5,
    name: 'policy optimisation (PPO / GRPO): per-round logs and rollouts',
    sql: `
      CREATE TABLE ppo_steps (
        iteration_id INTEGER NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
        step         INTEGER NOT NULL,
        log_json     TEXT NOT NULL,
        PRIMARY KEY (iteration_id, step)
      );
      CREATE TABLE ppo_rollouts (
        iteration_id     INTEGER NOT NULL REFERENCES iterations(id) ON DELETE CASCADE,
        step             INTEGER NOT NULL,
        problem_id       INTEGER NOT NULL REFERENCES problems(id) ON DELETE CASCADE,
        sample_idx       INTEGER NOT NULL,
        code             TEXT NOT NULL,
        score            REAL NOT NULL,
        reranker_score   REAL,
        execution_reward REAL,
        PRIMARY KEY (iteration_id, step, problem_id, sample_idx)
      );
    `,
  },
  {
    version: 6,
    name: 'process supervision: line labels by prefix completion, and every completion behind them',
    sql: `
      -- One row per labelled candidate (the 'prm' checkpoint kind has been allowed since version 1).
      CREATE TABLE line_labels (
        candidate_id     INTEGER PRIMARY KEY REFERENCES candidates(id) ON DELETE CASCADE,
        labels_json      TEXT NOT NULL,
        last_recoverable INTEGER NOT NULL,
        prefix_checks    INTEGER NOT NULL,
        executions       INTEGER NOT NULL,
        seconds          REAL NOT NULL,
        created_at       TEXT NOT NULL
      );
      -- Every completion a prefix check sampled and ran, so a person can see why a line got its label.
      CREATE TABLE prefix_completions (
        candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
        prefix_lines INTEGER NOT NULL,
        sample_idx   INTEGER NOT NULL,
        code         TEXT NOT NULL,
        status       TEXT NOT NULL,
        passed       INTEGER NOT NULL CHECK (passed IN (0, 1)),
        PRIMARY KEY (candidate_id, prefix_lines, sample_idx)
      );
    `,
  },
];

export const latestSchemaVersion = migrations[migrations.length - 1]!.version;
