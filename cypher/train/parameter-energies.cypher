// The energy of every level of every parameter, read from the stored scales.
// Parameters: none
// Returns: parameter, energies — energies of its levels, finest first, the wildcard's (0) last
MATCH (s:Scale)
UNWIND s.parameters AS parameter
RETURN parameter, s.energies AS energies
ORDER BY parameter
