package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;

/**
 * One concept's units as matching reads them (filter properties, anchor cells, table, position,
 * the sample units they correspond to, their interconnections), kept in memory between calls.
 * A snapshot is keyed by the concept node and its {@code model_version}, a token
 * train/record-absorption writes at every absorption step (the last write of every step that
 * changes the concept), and its {@code status} (train/activate-class changes it): a concept
 * changed since is read again. Training matches a sample against every compartment of its run
 * at every step, and only one of them changed since the step before.
 */
record ConceptSnapshot(String key, List<UnitData> units) {
    /** An interconnection to the unit at {@code target} in the snapshot's list. */
    record LinkData(int target, double[] table) {}

    /** A concept unit. */
    record UnitData(
            String elementId,
            Map<String, Object> properties,
            List<String> anchorKeys,
            Set<String> corresponds,
            List<LinkData> links) {}

    /** The most concepts kept (about 40 KB each). */
    private static final int CAPACITY = 4000;

    private static final Map<String, ConceptSnapshot> CACHE =
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ConceptSnapshot> eldest) {
                    return size() > CAPACITY;
                }
            };

    private static final String[] PROPERTIES = {
        "concept_id", "class", "status", "training", "anchor_keys", "table", "x", "y", "key"
    };

    /** The concept's snapshot: from memory when it has a model_version and has not changed. */
    static ConceptSnapshot of(Node concept, String database) {
        Object version = concept.getProperty("model_version", null);
        if (version == null || database == null) {
            return read(concept, null);
        }
        String key = database + "|" + concept.getElementId() + "|" + version + "|"
                + concept.getProperty("status", null);
        synchronized (CACHE) {
            ConceptSnapshot cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        ConceptSnapshot snapshot = read(concept, key);
        synchronized (CACHE) {
            CACHE.put(key, snapshot);
        }
        return snapshot;
    }

    private static ConceptSnapshot read(Node concept, String key) {
        List<Node> nodes = new ArrayList<>();
        Map<Node, Integer> index = new HashMap<>();
        for (Relationship r : concept.getRelationships(Direction.OUTGOING, Graph.HAS_UNIT)) {
            Node unit = r.getEndNode();
            if (unit.hasLabel(Graph.CONCEPT_UNIT) && !index.containsKey(unit)) {
                index.put(unit, nodes.size());
                nodes.add(unit);
            }
        }
        List<UnitData> units = new ArrayList<>();
        for (Node unit : nodes) {
            Map<String, Object> p = unit.getProperties(PROPERTIES);
            String[] keys = Graph.strings(p.get("anchor_keys"));
            Set<String> corresponds = new HashSet<>();
            for (Relationship r : unit.getRelationships(Direction.OUTGOING, Graph.CORRESPONDS)) {
                corresponds.add(r.getEndNode().getElementId());
            }
            List<LinkData> links = new ArrayList<>();
            for (Relationship r : unit.getRelationships(Direction.OUTGOING, Graph.INTERCONNECTS)) {
                Integer target = index.get(r.getEndNode());
                if (target != null) {
                    links.add(new LinkData(target, Graph.doubles(r.getProperty("table", null),
                            "the table of an interconnection of concept " + p.get("concept_id"))));
                }
            }
            units.add(new UnitData(
                    unit.getElementId(),
                    Collections.unmodifiableMap(p),
                    keys == null ? List.of() : List.of(keys),
                    Collections.unmodifiableSet(corresponds),
                    List.copyOf(links)));
        }
        return new ConceptSnapshot(key, List.copyOf(units));
    }
}
