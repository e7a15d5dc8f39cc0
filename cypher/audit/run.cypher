// One classification run: its protocol, parameters, metrics and baselines (JSON strings) and
// how many samples it decided.
// Parameters:
//   $run_id — the run's id
// Returns: run_id, protocol, params, metrics, baselines (JSON, null for older runs),
//   recorded_at (ISO string), decided
MATCH (r:Run {run_id: $run_id})
OPTIONAL MATCH (:Sample)-[c:CLASSIFIED {run_id: $run_id, winner: true}]->(:DetectorNeuron)
RETURN r.run_id AS run_id, r.protocol AS protocol, r.params AS params, r.metrics AS metrics,
       r.baselines AS baselines,
       toString(r.recorded_at) AS recorded_at, count(c) AS decided
