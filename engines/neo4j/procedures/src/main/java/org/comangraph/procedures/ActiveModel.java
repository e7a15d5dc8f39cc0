package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterator;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;

/**
 * The classes' active concepts, read once and kept in memory between calls, per database and
 * model version: the version is every detector neuron's {@code model_version}, a token each
 * training write replaces (train/lock-neuron, train/activate-class), so a model that training
 * has changed since is read again, never served stale. Holds no node: it outlives the
 * transaction that read it.
 */
final class ActiveModel {
    /** What activation reads of a concept (infer/activate), with its figure's table. */
    record Concept(
            String conceptId,
            Object cls,
            double energy,
            Object examples,
            double examplesOrder,
            Double figureEnergy,
            double meanPointEnergy,
            double meanSegmentEnergy,
            double meanLinkEnergy,
            double[] figureTable) {}

    /** Activation order: higher examples absorbed, then higher energy, then concept id. */
    static final Comparator<Concept> BY_EXAMPLES_ENERGY_ID = Comparator.comparingDouble(Concept::examplesOrder)
            .reversed()
            .thenComparing(Comparator.comparingDouble(Concept::energy).reversed())
            .thenComparing(Concept::conceptId);

    private static final Map<String, ActiveModel> CACHE = new ConcurrentHashMap<>();

    final String version;
    final ConceptModel units;
    final Map<String, Concept> concepts = new HashMap<>();
    /** Class -> its active concepts, best first by {@link #BY_EXAMPLES_ENERGY_ID}. */
    final Map<Double, List<Concept>> byClass = new HashMap<>();

    private ActiveModel(String version, ConceptModel units) {
        this.version = version;
        this.units = units;
    }

    /** The active model of {@code database} as {@code tx} sees it, from memory when current. */
    static ActiveModel of(Transaction tx, String database) {
        String version = version(tx);
        ActiveModel cached = CACHE.get(database);
        if (cached != null && cached.version.equals(version)) {
            return cached;
        }
        synchronized (CACHE) {
            cached = CACHE.get(database);
            if (cached != null && cached.version.equals(version)) {
                return cached;
            }
            ActiveModel model = read(tx, version);
            if (version(tx).equals(version)) {
                CACHE.put(database, model);
            }
            return model;
        }
    }

    /**
     * Every detector neuron's class and model_version, in class order, and the numbers of concepts
     * and concept units (from Neo4j's count store: a concept created or deleted by hand, without a
     * new model_version, still makes the version change).
     */
    static String version(Transaction tx) {
        Map<String, String> versions = new TreeMap<>();
        try (ResourceIterator<Node> neurons = tx.findNodes(Graph.DETECTOR_NEURON)) {
            neurons.forEachRemaining(n -> versions.put(
                    String.valueOf(n.getProperty("class", null)),
                    String.valueOf(n.getProperty("model_version", null))));
        }
        try (Result counts = tx.execute(COUNTS)) {
            Map<String, Object> row = counts.next();
            versions.put("concepts", String.valueOf(row.get("concepts")));
            versions.put("units", String.valueOf(row.get("units")));
        }
        return versions.toString();
    }

    private static final String COUNTS = "MATCH (c:Concept) WITH count(c) AS concepts "
            + "MATCH (u:ConceptUnit) RETURN concepts, count(u) AS units";

    private static ActiveModel read(Transaction tx, String version) {
        ConceptModel.Filter active = new ConceptModel.Filter(null, Graph.ACTIVE, null, null);
        ActiveModel model = new ActiveModel(version, ConceptModel.load(tx, null, active, false));
        try (ResourceIterator<Node> found = tx.findNodes(Graph.CONCEPT, "status", Graph.ACTIVE)) {
            found.forEachRemaining(c -> model.add(concept(c)));
        }
        for (ConceptModel.Unit unit : model.units.units) {
            if (!model.concepts.containsKey(unit.conceptId)) {
                Node c = tx.findNode(Graph.CONCEPT, "concept_id", unit.conceptId);
                if (c != null) {
                    model.concepts.put(unit.conceptId, concept(c));
                }
            }
        }
        for (List<Concept> list : model.byClass.values()) {
            list.sort(BY_EXAMPLES_ENERGY_ID);
        }
        return model;
    }

    private void add(Concept c) {
        concepts.put(c.conceptId(), c);
        Double cls = Graph.number(c.cls());
        if (cls != null) {
            byClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(c);
        }
    }

    private static Concept concept(Node c) {
        Map<String, Object> p = c.getProperties(
                "concept_id", "class", "energy", "examples_seen", "figure_energy",
                "mean_point_energy", "mean_segment_energy", "mean_link_energy");
        double[] figureTable = null;
        for (Relationship r : c.getRelationships(Direction.OUTGOING, Graph.HAS_FIGURE)) {
            if (r.getEndNode().hasLabel(Graph.CONCEPT_FIGURE)) {
                figureTable = Graph.doubles(r.getEndNode().getProperty("table", null),
                        "the figure table of concept " + p.get("concept_id"));
                break;
            }
        }
        return new Concept(
                (String) p.get("concept_id"),
                p.get("class"),
                orZero(p.get("energy")),
                p.get("examples_seen"),
                orZero(p.get("examples_seen")),
                Graph.number(p.get("figure_energy")),
                orZero(p.get("mean_point_energy")),
                orZero(p.get("mean_segment_energy")),
                orZero(p.get("mean_link_energy")),
                figureTable);
    }

    private static double orZero(Object value) {
        Double d = Graph.number(value);
        return d == null ? 0.0 : d;
    }

    /** The active concepts of the classes in {@code classes}, one list per class. */
    List<List<Concept>> classes(Set<Double> classes) {
        List<List<Concept>> out = new ArrayList<>();
        for (Map.Entry<Double, List<Concept>> e : byClass.entrySet()) {
            if (classes.contains(e.getKey())) {
                out.add(e.getValue());
            }
        }
        return out;
    }
}
