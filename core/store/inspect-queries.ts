import type { Db } from './open-store';

/**
 * Reads for inspecting one iteration at any size: each list is one query with LIMIT/OFFSET and a total, each chart
 * is binned here, so a panel never costs a query per row nor ships raw rows.
 *
 * An iteration's candidates carry scores by two rerankers: the iteration's own (trained in it; it scores the
 * held-out candidates) and the one the score stage used (the previous iteration's; it scores every candidate and
 * mining judged by it). A candidate's score is the own one where it exists, else the score stage's.
 */

export interface ScoringCheckpoints {
  own: number | null;
  mined: number | null;
}

export function scoringCheckpoints(db: Db, runId: number, iterationId: number): ScoringCheckpoints {
  const own = db
    .prepare("SELECT id FROM checkpoints WHERE run_id = ? AND iteration_id = ? AND kind = 'reranker' ORDER BY id DESC LIMIT 1")
    .get(runId, iterationId) as { id: number } | undefined;
  const mined = db
    .prepare("SELECT json_extract(output_json, '$.checkpointId') AS id FROM stages WHERE iteration_id = ? AND stage = 'score' AND status = 'done'")
    .get(iterationId) as { id: number | null } | undefined;
  return { own: own?.id ?? null, mined: mined?.id ?? null };
}

const scoreJoins = `
  LEFT JOIN scores so ON so.candidate_id = c.id AND so.checkpoint_id = @own
  LEFT JOIN scores sm ON sm.candidate_id = c.id AND sm.checkpoint_id = @mined`;
const scoreExpr = 'COALESCE(so.score, sm.score)';
/** Pass or fail as verdictsOf says: the latest label overrides the first execution, 'unsure' withdraws it. */
const passedExpr = `CASE (SELECT verdict FROM labels WHERE candidate_id = c.id ORDER BY id DESC LIMIT 1)
    WHEN 'pass' THEN 1 WHEN 'fail' THEN 0 ELSE (e.status = 'OK') END`;
const executionJoin = 'LEFT JOIN executions e ON e.candidate_id = c.id AND e.attempt = 0';

const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

function filterSql(filters: { language?: string | undefined; search?: string | undefined }): string {
  return [
    filters.language ? 'AND p.language = @language' : '',
    filters.search ? "AND p.task_id LIKE @search ESCAPE '\\'" : '',
  ].join(' ');
}

function filterParams(filters: { language?: string | undefined; search?: string | undefined }): Record<string, string> {
  return {
    ...(filters.language ? { language: filters.language } : {}),
    ...(filters.search ? { search: likePattern(filters.search) } : {}),
  };
}

export interface HardNegativeRow {
  candidateId: number;
  problemId: number;
  taskId: string;
  language: string;
  sampleIdx: number;
  score: number;
  bestPassingScore: number | null;
  margin: number | null;
  status: string | null;
  testsPassed: number | null;
  testsTotal: number | null;
}

export interface PageQuery {
  offset: number;
  limit: number;
  language?: string | undefined;
  search?: string | undefined;
}

/** The iteration's hard negatives, each with its margin over its problem's best passing candidate (same scores). */
export function hardNegativePage(
  db: Db,
  iterationId: number,
  checkpoints: ScoringCheckpoints,
  query: PageQuery & { sort: 'score' | 'margin'; order: 'asc' | 'desc' },
): { total: number; rows: HardNegativeRow[] } {
  const params = { iteration: iterationId, own: checkpoints.own, mined: checkpoints.mined, ...filterParams(query) };
  const filters = filterSql(query);
  const total = (
    db
      .prepare(`SELECT count(*) AS n FROM mined m JOIN candidates c ON c.id = m.candidate_id JOIN problems p ON p.id = c.problem_id
                WHERE m.iteration_id = @iteration AND m.kind = 'hard-negative' ${filters}`)
      .get(params) as { n: number }
  ).n;
  const direction = query.order === 'asc' ? 'ASC' : 'DESC';
  const sortKey = query.sort === 'score' ? 'score' : 'margin';
  const rows = db
    .prepare(
      `WITH hard AS (
         SELECT c.id AS candidateId, c.problem_id AS problemId, p.task_id AS taskId, p.language AS language, c.sample_idx AS sampleIdx,
                COALESCE(${scoreExpr}, json_extract(m.detail_json, '$.score')) AS score,
                e.status AS status, e.tests_passed AS testsPassed, e.tests_total AS testsTotal
         FROM mined m
         JOIN candidates c ON c.id = m.candidate_id
         JOIN problems p ON p.id = c.problem_id
         ${scoreJoins}
         ${executionJoin}
         WHERE m.iteration_id = @iteration AND m.kind = 'hard-negative' ${filters}
       ),
       best AS (
         SELECT c.problem_id AS problemId, max(${scoreExpr}) AS bestPassingScore
         FROM candidates c ${scoreJoins} ${executionJoin}
         WHERE c.iteration_id = @iteration AND c.problem_id IN (SELECT problemId FROM hard) AND ${passedExpr} = 1
         GROUP BY c.problem_id
       )
       SELECT hard.*, best.bestPassingScore AS bestPassingScore, hard.score - best.bestPassingScore AS margin
       FROM hard LEFT JOIN best ON best.problemId = hard.problemId
       ORDER BY ${sortKey} IS NULL, ${sortKey} ${direction}, candidateId
       LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: query.limit, offset: query.offset }) as HardNegativeRow[];
  return { total, rows };
}

export interface ProblemPageRow {
  problemId: number;
  taskId: string;
  language: string;
  split: 'train' | 'heldout';
  candidates: number;
  passing: number;
  pickPasses: boolean | null;
  topScore: number | null;
  hardNegatives: number;
  disputed: number;
}

/** Problems of the iteration with their counts and whether the reranker's pick passes: one query for the page. */
export function problemPage(
  db: Db,
  iterationId: number,
  checkpoints: ScoringCheckpoints,
  query: PageQuery & { split?: 'train' | 'heldout' | undefined; sort: 'problem' | 'passing' | 'candidates' },
): { total: number; rows: ProblemPageRow[] } {
  const params = { iteration: iterationId, own: checkpoints.own, mined: checkpoints.mined, ...filterParams(query), ...(query.split ? { split: query.split } : {}) };
  const where = `c.iteration_id = @iteration ${query.split ? 'AND p.split = @split' : ''} ${filterSql(query)}`;
  const total = (
    db.prepare(`SELECT count(DISTINCT c.problem_id) AS n FROM candidates c JOIN problems p ON p.id = c.problem_id WHERE ${where}`).get(params) as { n: number }
  ).n;
  const order = { problem: 'problemId', passing: 'passing * 1.0 / candidates ASC, problemId', candidates: 'candidates DESC, problemId' }[query.sort];
  const rows = db
    .prepare(
      `WITH ranked AS (
         SELECT c.problem_id AS problemId, ${scoreExpr} AS score, ${passedExpr} AS passed,
                row_number() OVER (PARTITION BY c.problem_id ORDER BY ${scoreExpr} IS NULL, ${scoreExpr} DESC, c.sample_idx) AS rank,
                c.id AS candidateId
         FROM candidates c JOIN problems p ON p.id = c.problem_id ${scoreJoins} ${executionJoin}
         WHERE ${where}
       ),
       mined_counts AS (
         SELECT c.problem_id AS problemId, sum(m.kind = 'hard-negative') AS hardNegatives, sum(m.kind = 'disputed') AS disputed
         FROM mined m JOIN candidates c ON c.id = m.candidate_id
         WHERE m.iteration_id = @iteration GROUP BY c.problem_id
       )
       SELECT r.problemId AS problemId, p.task_id AS taskId, p.language AS language, p.split AS split,
              count(*) AS candidates, COALESCE(sum(r.passed), 0) AS passing,
              max(CASE WHEN r.rank = 1 AND r.score IS NOT NULL THEN r.passed END) AS pickPasses,
              max(r.score) AS topScore,
              COALESCE(mc.hardNegatives, 0) AS hardNegatives, COALESCE(mc.disputed, 0) AS disputed
       FROM ranked r JOIN problems p ON p.id = r.problemId
       LEFT JOIN mined_counts mc ON mc.problemId = r.problemId
       GROUP BY r.problemId
       ORDER BY ${order}
       LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: query.limit, offset: query.offset }) as Array<Omit<ProblemPageRow, 'pickPasses'> & { pickPasses: number | null }>;
  return { total, rows: rows.map((r) => ({ ...r, pickPasses: r.pickPasses === null ? null : r.pickPasses === 1 })) };
}

/** Score range of the iterations' candidates of a split (each by its own scores), for shared histogram edges. */
export function scoreRange(db: Db, parts: ReadonlyArray<{ iterationId: number; checkpoints: ScoringCheckpoints }>, split: 'train' | 'heldout'): { lo: number; hi: number } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const part of parts) {
    const row = db
      .prepare(
        `SELECT min(${scoreExpr}) AS lo, max(${scoreExpr}) AS hi
         FROM candidates c JOIN problems p ON p.id = c.problem_id ${scoreJoins}
         WHERE c.iteration_id = @iteration AND p.split = @split`,
      )
      .get({ iteration: part.iterationId, split, own: part.checkpoints.own, mined: part.checkpoints.mined }) as { lo: number | null; hi: number | null };
    if (row.lo !== null && row.hi !== null) {
      lo = Math.min(lo, row.lo);
      hi = Math.max(hi, row.hi);
    }
  }
  return lo === Infinity ? null : { lo, hi };
}

/** Counts per bin of equal-width edges [lo, hi], passing and failing apart, binned by SQLite. */
export function binnedScores(
  db: Db,
  iterationId: number,
  checkpoints: ScoringCheckpoints,
  split: 'train' | 'heldout',
  lo: number,
  hi: number,
  bins: number,
): { passing: number[]; failing: number[] } {
  const rows = db
    .prepare(
      `SELECT passed, min(@bins - 1, max(0, CAST((score - @lo) / @width AS INTEGER))) AS bin, count(*) AS n
       FROM (SELECT ${scoreExpr} AS score, ${passedExpr} AS passed
             FROM candidates c JOIN problems p ON p.id = c.problem_id ${scoreJoins} ${executionJoin}
             WHERE c.iteration_id = @iteration AND p.split = @split AND e.status IS NOT NULL)
       WHERE score IS NOT NULL AND score >= @lo AND score <= @hi
       GROUP BY passed, bin`,
    )
    .all({ iteration: iterationId, split, own: checkpoints.own, mined: checkpoints.mined, lo, hi, width: (hi - lo) / bins, bins }) as Array<{
    passed: number;
    bin: number;
    n: number;
  }>;
  const passing = new Array<number>(bins).fill(0);
  const failing = new Array<number>(bins).fill(0);
  for (const r of rows) (r.passed ? passing : failing)[r.bin] = r.n;
  return { passing, failing };
}

/** Held-out (score, passed) pairs best-first, for the ROC curve. */
export function scoredVerdicts(db: Db, iterationId: number, checkpoints: ScoringCheckpoints): Array<{ score: number; passed: boolean }> {
  const rows = db
    .prepare(
      `SELECT score, passed FROM (
         SELECT ${scoreExpr} AS score, ${passedExpr} AS passed
         FROM candidates c JOIN problems p ON p.id = c.problem_id ${scoreJoins} ${executionJoin}
         WHERE c.iteration_id = @iteration AND p.split = 'heldout' AND e.status IS NOT NULL)
       WHERE score IS NOT NULL ORDER BY score DESC`,
    )
    .raw(true)
    .all({ iteration: iterationId, own: checkpoints.own, mined: checkpoints.mined }) as Array<[number, number]>;
  return rows.map(([score, passed]) => ({ score, passed: passed === 1 }));
}

export interface CandidateDetailRow {
  candidateId: number;
  problemId: number;
  taskId: string;
  language: string;
  split: 'train' | 'heldout';
  prompt: string;
  sampleIdx: number;
  code: string;
  score: number | null;
  lineScoresJson: string | null;
  passed: number | null;
  status: string | null;
  testsPassed: number | null;
  testsTotal: number | null;
  stderr: string | null;
  hardNegative: number;
  disputeJson: string | null;
}

/** Per-line scores come from the newest process reward model that scored the candidate (train-prm), if any. */
const prmLineScores = `(SELECT s.line_scores_json FROM scores s JOIN checkpoints k ON k.id = s.checkpoint_id
    WHERE s.candidate_id = c.id AND k.kind = 'prm' AND s.line_scores_json IS NOT NULL ORDER BY k.id DESC LIMIT 1)`;

const detailSelect = `
  SELECT c.id AS candidateId, c.problem_id AS problemId, p.task_id AS taskId, p.language AS language, p.split AS split,
         p.prompt AS prompt, c.sample_idx AS sampleIdx, c.code AS code, ${scoreExpr} AS score,
         COALESCE(${prmLineScores}, so.line_scores_json, sm.line_scores_json) AS lineScoresJson,
         CASE WHEN e.status IS NULL THEN NULL ELSE ${passedExpr} END AS passed,
         e.status AS status, e.tests_passed AS testsPassed, e.tests_total AS testsTotal, e.stderr AS stderr,
         EXISTS (SELECT 1 FROM mined WHERE iteration_id = c.iteration_id AND candidate_id = c.id AND kind = 'hard-negative') AS hardNegative,
         (SELECT detail_json FROM mined WHERE iteration_id = c.iteration_id AND candidate_id = c.id AND kind = 'disputed') AS disputeJson
  FROM candidates c JOIN problems p ON p.id = c.problem_id ${scoreJoins} ${executionJoin}`;

/** A problem's candidates in the iteration, best-first by score (unscored last, in sample order). */
export function rankedCandidates(db: Db, iterationId: number, checkpoints: ScoringCheckpoints, problemId: number): CandidateDetailRow[] {
  return db
    .prepare(`${detailSelect} WHERE c.iteration_id = @iteration AND c.problem_id = @problem ORDER BY ${scoreExpr} IS NULL, ${scoreExpr} DESC, c.sample_idx`)
    .all({ iteration: iterationId, problem: problemId, own: checkpoints.own, mined: checkpoints.mined }) as CandidateDetailRow[];
}

/** The iteration's candidates with these ids, in the order given. */
export function candidatesDetail(db: Db, iterationId: number, checkpoints: ScoringCheckpoints, ids: readonly number[]): CandidateDetailRow[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(`${detailSelect} WHERE c.iteration_id = @iteration AND c.id IN (SELECT value FROM json_each(@ids))`)
    .all({ iteration: iterationId, ids: JSON.stringify(ids), own: checkpoints.own, mined: checkpoints.mined }) as CandidateDetailRow[];
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows.sort((a, b) => order.get(a.candidateId)! - order.get(b.candidateId)!);
}

/** The iteration's mined candidates of a kind, in mining order. */
export function minedCandidateIds(db: Db, iterationId: number, kind: 'hard-negative' | 'disputed', limit: number): number[] {
  return (db.prepare('SELECT candidate_id FROM mined WHERE iteration_id = ? AND kind = ? ORDER BY rowid LIMIT ?').raw(true).all(iterationId, kind, limit) as Array<[number]>).map(
    ([id]) => id,
  );
}

export function candidateDetail(db: Db, iterationId: number, checkpoints: ScoringCheckpoints, candidateId: number): CandidateDetailRow | null {
  return (
    (db
      .prepare(`${detailSelect} WHERE c.iteration_id = @iteration AND c.id = @candidate`)
      .get({ iteration: iterationId, candidate: candidateId, own: checkpoints.own, mined: checkpoints.mined }) as CandidateDetailRow | undefined) ?? null
  );
}

/** The iteration's disputed samples and how many of them carry a label now (undos replayed by the caller). */
export function disputedCandidateIds(db: Db, iterationId: number): number[] {
  return (db.prepare("SELECT candidate_id FROM mined WHERE iteration_id = ? AND kind = 'disputed' ORDER BY rowid").raw(true).all(iterationId) as Array<[number]>).map(
    ([id]) => id,
  );
}

/** For each candidate whose label a reranker training used in its pairs: the iterations that did. */
export function labelUse(db: Db, runId: number): Map<number, number[]> {
  const rows = db
    .prepare(
      `SELECT i.idx AS iteration, j.value AS candidateId
       FROM stages s JOIN iterations i ON i.id = s.iteration_id, json_each(s.output_json, '$.labelledCandidates') j
       WHERE i.run_id = ? AND s.stage = 'train-reranker' AND s.status = 'done' ORDER BY i.idx`,
    )
    .all(runId) as Array<{ iteration: number; candidateId: number }>;
  const result = new Map<number, number[]>();
  for (const r of rows) result.set(r.candidateId, [...(result.get(r.candidateId) ?? []), r.iteration]);
  return result;
}

/** The stored candidate with what running it again needs: its problem's normalized data. */
export function candidateForRerun(db: Db, candidateId: number): { code: string; problemData: unknown; taskId: string } | null {
  const row = db
    .prepare('SELECT c.code AS code, p.data_json AS data, p.task_id AS taskId FROM candidates c JOIN problems p ON p.id = c.problem_id WHERE c.id = ?')
    .get(candidateId) as { code: string; data: string; taskId: string } | undefined;
  return row ? { code: row.code, problemData: JSON.parse(row.data) as unknown, taskId: row.taskId } : null;
}

export interface CheckpointRow {
  id: number;
  kind: string;
  /** The iteration that wrote it (null for checkpoints made outside an iteration). */
  iteration: number | null;
  parentId: number | null;
  /** The policy optimiser that made a generator checkpoint (ppo, grpo); null for SFT and every other kind. */
  algorithm: string | null;
}

/** Every checkpoint of a run in the order written, with the iteration that wrote it. */
export function runCheckpoints(db: Db, runId: number): CheckpointRow[] {
  return db
    .prepare(
      `SELECT k.id AS id, k.kind AS kind, i.idx AS iteration, k.parent_id AS parentId,
              CASE WHEN json_valid(k.meta_json) THEN json_extract(k.meta_json, '$.algorithm') END AS algorithm
       FROM checkpoints k LEFT JOIN iterations i ON i.id = k.iteration_id
       WHERE k.run_id = ? ORDER BY k.id`,
    )
    .all(runId) as CheckpointRow[];
}
