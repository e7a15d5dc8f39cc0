// Kernel (included by infer/activate, infer/fill and train/choose-compartment): the energy a
// sample fills of a concept's interconnections, given their unit correspondence. A concept
// interconnection counts when the counterparts of its two units are interconnected in the
// sample (either direction); its score is one table look-up per parameter (table[slot] of the
// concept interconnection over the sample interconnection's slots), as for units. The scores are
// summed in ascending order, as kernel/unit-pairs sums its pairs.
// Input variables: cus, sus — the corresponding concept and sample units, parallel lists.
// Parameters: none
// Output variables: links — matched interconnections, link_energy — the energy they fill
CALL (cus, sus) {
  UNWIND range(0, size(cus) - 1) AS i
  WITH cus, sus, cus[i] AS ca, sus[i] AS sa
  MATCH (ca)-[r:INTERCONNECTS]->(cb:ConceptUnit)
  WITH r, sa, [j IN range(0, size(cus) - 1) WHERE cus[j] = cb | sus[j]] AS counterparts
  WHERE size(counterparts) > 0
  WITH r, sa, counterparts[0] AS sb
  MATCH (sa)-[q:INTERCONNECTS]-(sb)
  WITH r, collect(q)[0] AS q
  WITH reduce(e = 0.0, i IN q.slots | e + r.table[i]) AS link_score
    ORDER BY link_score
  RETURN count(*) AS links, coalesce(sum(link_score), 0.0) AS link_energy
}
