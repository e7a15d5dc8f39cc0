// Energy of a hypergraph (a concept or a sample), stored on it and returned (paper eq. 35-41).
// E = sum over units of the energies of their parameters + sum over interconnections of the
// same. A sample's parameters are at level 0 (finest): $energies gives them; a concept part's
// are its compiled `energies` (train/compile-matcher, kernel/part-table: its level's, or its
// spread's). The wildcard has energy 0. Units and interconnections are summed in ascending
// order of energy, so the sum is the same number whatever order the engine meets them in
// (a spread's energies are not whole numbers, and floating-point addition is not associative).
// Parameters:
//   $id — a concept_id or a sample_id
//   $energies — map parameter -> energies of its levels (from train/parameter-energies)
// Also stored: the energy of the figure, the one node under HAS_FIGURE, whose parameters are
// summed the same way (figure_energy, apart from E: it weighs on activation,
// kernel/figure-energy), and the mean energy of a point unit, of a segment unit and of an
// interconnection, i.e. the hypergraph's resolution, which inference uses to measure a
// sample's structure "at the concept's level of detail".
// Returns: energy, units, links, figure_energy
OPTIONAL MATCH (concept:Concept {concept_id: $id})
OPTIONAL MATCH (sample:Sample {sample_id: $id})
WITH coalesce(concept, sample) AS h
// the figure is the one node without a kind
OPTIONAL MATCH (h)-[:HAS_UNIT|HAS_FIGURE]->(u)
WITH h, u, reduce(e = 0.0, i IN range(0, size(coalesce(u.params, [])) - 1) |
       e + coalesce(u.energies[i], $energies[u.params[i]][0])) AS ue
  ORDER BY ue
WITH h, count(u.kind) AS units, sum(CASE WHEN u.kind IS NULL THEN 0.0 ELSE ue END) AS unit_energy,
     sum(CASE WHEN u.kind IS NULL THEN ue ELSE 0.0 END) AS figure_energy,
     sum(CASE WHEN u.kind = 'Segment' THEN 1 ELSE 0 END) AS segments,
     sum(CASE WHEN u.kind = 'Segment' THEN ue ELSE 0.0 END) AS segment_energy
OPTIONAL MATCH (h)-[:HAS_UNIT]->()-[r:INTERCONNECTS]->()
WITH h, units, unit_energy, figure_energy, segments, segment_energy, r,
     reduce(e = 0.0, i IN range(0, size(coalesce(r.params, [])) - 1) |
       e + coalesce(r.energies[i], $energies[r.params[i]][0])) AS le
  ORDER BY le
WITH h, units, unit_energy, figure_energy, segments, segment_energy, count(r) AS links,
     sum(le) AS link_energy
SET h.energy = unit_energy + link_energy, h.figure_energy = figure_energy,
    h.mean_point_energy = CASE WHEN units > segments
                          THEN (unit_energy - segment_energy) / (units - segments) ELSE 0.0 END,
    h.mean_segment_energy = CASE WHEN segments > 0 THEN segment_energy / segments ELSE 0.0 END,
    h.mean_link_energy = CASE WHEN links > 0 THEN link_energy / links ELSE 0.0 END
RETURN h.energy AS energy, units, links, figure_energy
