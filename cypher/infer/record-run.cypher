// Create (or update) a classification run with its protocol, parameters and metrics.
// Parameters, metrics and baselines are JSON strings (property values cannot be nested maps).
// Parameters:
//   $run_id — the run's id
//   $protocol — P6, P10, or a custom description
//   $params — JSON of the run's parameters
//   $metrics — JSON of its metrics
//   $baselines — JSON of {baseline name: metrics} on the same images ('{}' if none)
// Returns: run_id
MERGE (r:Run {run_id: $run_id})
SET r.protocol = $protocol, r.params = $params, r.metrics = $metrics,
    r.baselines = $baselines, r.recorded_at = datetime()
RETURN r.run_id AS run_id
