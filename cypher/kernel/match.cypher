// Kernel (included by infer/activate, infer/explain, infer/fill and train/choose-compartment): a
// sample matched to concepts, the specification of the coman.match procedure
// (kernel/match.procedure). The mutual-best unit pairs of kernel/unit-pairs, then the energy their
// interconnections fill, kernel/link-energy.
// Input variables: as kernel/unit-pairs — sample, classes, status, training, concept_id.
// Parameters: as kernel/unit-pairs.
// Output rows: sample, concept_id, cus, sus, scores, unit_energy (kernel/unit-pairs), links,
//   link_energy (kernel/link-energy)
// @include kernel/unit-pairs
// @include kernel/link-energy
