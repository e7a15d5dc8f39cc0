package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Transaction;

/**
 * Concept units as matching reads them, found the way cypher/kernel/unit-pairs finds them:
 * through the {@code (:Anchor)-[:ANCHORS]->(:ConceptUnit)} cells, kept when their class, status,
 * training and concept pass a {@link Filter}; each with its table, position, main anchor cell
 * and its interconnections to the other units kept.
 */
final class ConceptModel {
    /**
     * Which concept units compete: {@code cu.class IN classes AND (status IS NULL OR cu.status =
     * status) AND (training IS NULL OR cu.training = training) AND (conceptId IS NULL OR
     * cu.concept_id = conceptId)}; {@code classes} null admits every class.
     */
    record Filter(Set<Double> classes, String status, String training, String conceptId) {
        boolean admits(Map<String, Object> cu) {
            Double cls = Graph.number(cu.get("class"));
            return (classes == null || (cls != null && classes.contains(cls)))
                    && (status == null || status.equals(cu.get("status")))
                    && (training == null || training.equals(cu.get("training")))
                    && (conceptId == null || conceptId.equals(cu.get("concept_id")));
        }

        static Set<Double> classSet(Collection<? extends Number> classes) {
            Set<Double> set = new HashSet<>();
            for (Number n : classes) {
                if (n != null) {
                    set.add(n.doubleValue());
                }
            }
            return set;
        }
    }

    /** An interconnection of a concept unit to another unit of the model, with its table. */
    static final class Link {
        final Unit target;
        final double[] table;

        Link(Unit target, double[] table) {
            this.target = target;
            this.table = table;
        }
    }

    /** A concept unit. {@code node} is null in a model read from memory. */
    static final class Unit {
        final Node node;
        final String elementId;
        final String conceptId;
        final Double cls;
        final String main;
        final double[] table;
        final Double x;
        final Double y;
        final List<Link> links = new ArrayList<>();
        /** The element ids of the sample units it corresponds to already (training's tie bonus). */
        Set<String> corresponds;
        /** Its position in the model's units, and its concept's in the model's concepts. */
        int ordinal;
        int concept;

        Unit(Node node, String elementId, Map<String, Object> p) {
            this.node = node;
            this.elementId = elementId;
            this.conceptId = (String) p.get("concept_id");
            this.cls = Graph.number(p.get("class"));
            String[] keys = Graph.strings(p.get("anchor_keys"));
            this.main = keys != null && keys.length > 0 ? keys[0] : null;
            this.table = Graph.doubles(p.get("table"), "the table of concept unit " + conceptId + "#" + p.get("key"));
            this.x = Graph.number(p.get("x"));
            this.y = Graph.number(p.get("y"));
        }
    }

    /** What the filter reads of a concept unit, then what matching reads of a unit it keeps. */
    private static final String[] FILTER_PROPERTIES = {"concept_id", "class", "status", "training"};
    private static final String[] MATCH_PROPERTIES = {"anchor_keys", "table", "x", "y", "key"};

    /** Anchor key -> the concept units hanging from that cell. */
    final Map<String, List<Unit>> byAnchor = new HashMap<>();
    /** Every unit kept, once. */
    final List<Unit> units = new ArrayList<>();
    /** The concepts of the units kept, by ordinal. */
    final List<String> conceptIds = new ArrayList<>();

    private ConceptModel() {}

    /**
     * The concept units of the given anchor cells (every anchor when {@code anchorKeys} is null)
     * that pass {@code filter}, with their interconnections. With {@code keepNodes} false the
     * model holds no node, so it can outlive the transaction.
     *
     * <p>A filter that names a concept, or a training run and classes, is read through the
     * concepts instead of the anchor cells: the concept's (or the classes' neurons' compartments
     * of that run's) units, each under the cells of its {@code anchor_keys}, which are the cells
     * whose {@code ANCHORS} reach it (train/create-concept writes both from the same list). The
     * same units, without visiting every unit of every concept under the anchors, and each
     * concept read from memory when it has not changed since (ConceptSnapshot).
     */
    static ConceptModel load(Transaction tx, Collection<String> anchorKeys, Filter filter, boolean keepNodes) {
        return load(tx, null, anchorKeys, filter, keepNodes);
    }

    /**
     * As {@link #load(Transaction, Collection, Filter, boolean)}; a filter that names a concept or
     * a training run is served from {@link ConceptSnapshot}s of {@code database} (no nodes kept).
     */
    static ConceptModel load(
            Transaction tx, String database, Collection<String> anchorKeys, Filter filter, boolean keepNodes) {
        if (filter.conceptId() != null || (filter.training() != null && filter.classes() != null)) {
            return loadThroughConcepts(tx, database, anchorKeys, filter);
        }
        ConceptModel model = new ConceptModel();
        Map<Node, Unit> seen = new HashMap<>();
        List<Node> anchors = new ArrayList<>();
        if (anchorKeys == null) {
            try (ResourceIterator<Node> all = tx.findNodes(Graph.ANCHOR)) {
                all.forEachRemaining(anchors::add);
            }
        } else {
            for (String key : new HashSet<>(anchorKeys)) {
                Node anchor = tx.findNode(Graph.ANCHOR, "key", key);
                if (anchor != null) {
                    anchors.add(anchor);
                }
            }
        }
        for (Node anchor : anchors) {
            String key = (String) anchor.getProperty("key", null);
            List<Unit> here = new ArrayList<>();
            for (Relationship r : anchor.getRelationships(Direction.OUTGOING, Graph.ANCHORS)) {
                Node cuNode = r.getEndNode();
                Unit unit = seen.get(cuNode);
                if (unit == null && !seen.containsKey(cuNode)) {
                    Map<String, Object> p = cuNode.hasLabel(Graph.CONCEPT_UNIT)
                            ? cuNode.getProperties(FILTER_PROPERTIES)
                            : null;
                    if (p != null && filter.admits(p)) {
                        Map<String, Object> all = new HashMap<>(p);
                        all.putAll(cuNode.getProperties(MATCH_PROPERTIES));
                        unit = new Unit(keepNodes ? cuNode : null, cuNode.getElementId(), all);
                    }
                    seen.put(cuNode, unit);
                    if (unit != null) {
                        model.units.add(unit);
                    }
                }
                if (unit != null) {
                    here.add(unit);
                }
            }
            if (!here.isEmpty()) {
                model.byAnchor.computeIfAbsent(key, k -> new ArrayList<>()).addAll(here);
            }
        }
        model.link(seen);
        return model;
    }

    private static ConceptModel loadThroughConcepts(
            Transaction tx, String database, Collection<String> anchorKeys, Filter filter) {
        List<Node> concepts = new ArrayList<>();
        if (filter.conceptId() != null) {
            Node concept = tx.findNode(Graph.CONCEPT, "concept_id", filter.conceptId());
            if (concept != null) {
                concepts.add(concept);
            }
        } else {
            for (Double cls : filter.classes()) {
                Node neuron = cls == Math.rint(cls)
                        ? tx.findNode(Graph.DETECTOR_NEURON, "class", cls.longValue())
                        : null;
                if (neuron == null) {
                    continue;
                }
                for (Relationship r : neuron.getRelationships(Direction.OUTGOING, Graph.HAS_COMPARTMENT)) {
                    Node concept = r.getEndNode();
                    if (filter.training().equals(concept.getProperty("training", null))) {
                        concepts.add(concept);
                    }
                }
            }
        }
        Set<String> wanted = anchorKeys == null ? null : new HashSet<>(anchorKeys);
        ConceptModel model = new ConceptModel();
        for (Node concept : concepts) {
            ConceptSnapshot snapshot = ConceptSnapshot.of(concept, database);
            Unit[] built = new Unit[snapshot.units().size()];
            for (int i = 0; i < built.length; i++) {
                ConceptSnapshot.UnitData data = snapshot.units().get(i);
                if (!filter.admits(data.properties())) {
                    continue;
                }
                Unit unit = new Unit(null, data.elementId(), data.properties());
                unit.corresponds = data.corresponds();
                boolean anchored = false;
                for (String key : data.anchorKeys()) {
                    if (wanted == null || wanted.contains(key)) {
                        model.byAnchor.computeIfAbsent(key, k -> new ArrayList<>()).add(unit);
                        anchored = true;
                    }
                }
                if (anchored) {
                    built[i] = unit;
                    model.units.add(unit);
                }
            }
            for (int i = 0; i < built.length; i++) {
                if (built[i] == null) {
                    continue;
                }
                for (ConceptSnapshot.LinkData link : snapshot.units().get(i).links()) {
                    if (built[link.target()] != null) {
                        built[i].links.add(new Link(built[link.target()], link.table()));
                    }
                }
            }
        }
        model.number();
        return model;
    }

    /** Reads each kept unit's interconnections to the other kept units, and numbers them. */
    private void link(Map<Node, Unit> seen) {
        number();
        for (Map.Entry<Node, Unit> entry : seen.entrySet()) {
            Unit unit = entry.getValue();
            if (unit == null) {
                continue;
            }
            for (Relationship r : entry.getKey().getRelationships(Direction.OUTGOING, Graph.INTERCONNECTS)) {
                Unit target = seen.get(r.getEndNode());
                if (target != null) {
                    unit.links.add(new Link(target, Graph.doubles(r.getProperty("table", null),
                            "the table of an interconnection of concept " + unit.conceptId)));
                }
            }
        }
    }

    /** Numbers the units, and their concepts in the order first met. */
    private void number() {
        Map<String, Integer> concepts = new HashMap<>();
        for (int i = 0; i < units.size(); i++) {
            Unit unit = units.get(i);
            unit.ordinal = i;
            unit.concept = concepts.computeIfAbsent(unit.conceptId, id -> {
                conceptIds.add(id);
                return conceptIds.size() - 1;
            });
        }
    }

    /** Reads which sample units each unit read with its node corresponds to (the tie bonus). */
    void readCorrespondences() {
        for (Unit unit : units) {
            if (unit.corresponds == null && unit.node != null) {
                unit.corresponds = new HashSet<>();
                for (Relationship r : unit.node.getRelationships(Direction.OUTGOING, Graph.CORRESPONDS)) {
                    unit.corresponds.add(r.getEndNode().getElementId());
                }
            }
        }
    }
}
