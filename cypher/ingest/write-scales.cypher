// Store the scales of every parameter with their levels, cells and level energies (idempotent).
// Energy of a level = log2(cells at that level); the wildcard level '*' has energy 0.
// Parameters:
//   $scales — list of {name, levels: [finest..., '*'], cells, energies, parameters: [names]}
// Returns: scales — the number of scales written
UNWIND $scales AS scale
MERGE (s:Scale {name: scale.name})
SET s.levels = scale.levels, s.cells = scale.cells, s.energies = scale.energies,
    s.parameters = scale.parameters
RETURN count(s) AS scales
