package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * The {@code coman.*} procedures: the matching kernel of coman-graph compiled for Neo4j. Each
 * mirrors a Cypher file under {@code cypher/}, its specification, decision for decision
 * (tests/test_procedures.py runs both on the same graph); coman_graph/graphstore/kernel.py picks
 * them when the server has them.
 */
public class Procedures {
    /** The plugin's version. */
    public static final String VERSION = "1.1.0";
    /**
     * The revision of the matching kernel this plugin implements; coman-graph uses the plugin only
     * when it expects the same (coman_graph/graphstore/kernel.py, KERNEL_VERSION).
     */
    public static final long KERNEL = 3;

    @Context
    public Transaction tx;

    @Context
    public GraphDatabaseService db;

    /** A row of coman.version. */
    public static class VersionRow {
        @Description("The plugin's version.")
        public String version;

        @Description("The revision of the matching kernel it implements.")
        public long kernel;

        public VersionRow(String version, long kernel) {
            this.version = version;
            this.kernel = kernel;
        }
    }

    /** A row of coman.activate: the same columns as cypher/infer/activate. */
    public static class ActivationRow {
        @Description("The sample.")
        public String sample_id;

        @Description("Its label (the sample's property).")
        public Object label;

        @Description("The winning class: the first neuron of ranked (null when no class has a concept).")
        public Object winner;

        @Description("Each competing neuron's best compartment, best first: {class, concept_id, activation, fill, "
                + "coverage, figure_missing, energy, examples}.")
        public List<Map<String, Object>> ranked;

        public ActivationRow(String sampleId, Object label, Object winner, List<Map<String, Object>> ranked) {
            this.sample_id = sampleId;
            this.label = label;
            this.winner = winner;
            this.ranked = ranked;
        }
    }

    /** A row of coman.match: the output variables of cypher/kernel/match. */
    public static class MatchRow {
        @Description("A concept with at least one unit pair kept.")
        public String concept_id;

        @Description("Its concept units of the kept pairs.")
        public List<Node> cus;

        @Description("The sample units they are paired with (parallel to cus).")
        public List<Node> sus;

        @Description("The energy each pair fills (parallel to cus).")
        public List<Double> scores;

        @Description("The sum of scores.")
        public double unit_energy;

        @Description("The concept's interconnections whose counterparts are interconnected in the sample.")
        public long links;

        @Description("The energy those interconnections fill.")
        public double link_energy;

        MatchRow(Matcher.Match m, Transaction tx) {
            this.concept_id = m.conceptId;
            this.cus = new ArrayList<>();
            this.sus = new ArrayList<>();
            for (int i = 0; i < m.cus.size(); i++) {
                ConceptModel.Unit cu = m.cus.get(i);
                cus.add(cu.node != null ? cu.node : tx.getNodeByElementId(cu.elementId));
                sus.add(m.sus.get(i).node());
            }
            this.scores = m.scores;
            this.unit_energy = m.unitEnergy;
            this.links = m.links;
            this.link_energy = m.linkEnergy;
        }
    }

    /** The plugin's version; coman-graph reads it to decide whether to use the plugin (cypher/plugin/version). */
    @Procedure(name = "coman.version", mode = Mode.READ)
    @Description("The coman-graph procedure plugin's version and the revision of the matching kernel it implements.")
    public Stream<VersionRow> version() {
        return Stream.of(new VersionRow(VERSION, KERNEL));
    }

    /**
     * Mirrors cypher/infer/activate (with cypher/kernel/match, cypher/kernel/figure-energy and, for a
     * sample's views, cypher/kernel/sample-views and cypher/kernel/pool-views).
     */
    @Procedure(name = "coman.activate", mode = Mode.READ)
    @Description("Activates the active concepts of the given classes with each stored sample and ranks the "
            + "detector neurons, winner first: the rows of cypher/infer/activate. The active concepts are kept "
            + "in memory per model version (the detector neurons' model_version).")
    public Stream<ActivationRow> activate(
            @Name(value = "sampleIds", description = "The samples to classify (sample_id); unknown ids are left out.")
                    List<String> sampleIds,
            @Name(value = "classes", description = "The detector neurons that compete (digit classes).")
                    List<Number> classes,
            @Name(value = "options", description = "{rule: 'fill_coverage' | 'explained' | 'fill', figure_weight: FLOAT, "
                    + "distance_weight: FLOAT, top_compartments: INTEGER, views: INTEGER (default 0)}, as "
                    + "infer/activate's parameters.")
                    Map<String, Object> options) {
        String rule = (String) required(options, "rule");
        if (!Activation.RULES.contains(rule)) {
            throw new IllegalArgumentException("coman.activate: unknown rule " + rule + ", expected one of "
                    + Activation.RULES);
        }
        double figureWeight = number(options, "figure_weight");
        double distanceWeight = number(options, "distance_weight");
        int topCompartments = (int) number(options, "top_compartments");
        if (topCompartments < 1) {
            throw new IllegalArgumentException("coman.activate: top_compartments must be at least 1, got "
                    + topCompartments);
        }
        int views = options.get("views") == null ? 0 : (int) number(options, "views");
        if (views < 0) {
            throw new IllegalArgumentException("coman.activate: views must be 0 or more, got " + views);
        }
        Set<Double> classSet = ConceptModel.Filter.classSet(classes);
        ActiveModel model = ActiveModel.of(tx, db.databaseName());
        boolean[] admitted = new boolean[model.units.units.size()];
        for (ConceptModel.Unit unit : model.units.units) {
            admitted[unit.ordinal] = unit.cls != null && classSet.contains(unit.cls);
        }
        List<ActivationRow> rows = new ArrayList<>();
        Matcher.Workspace workspace = new Matcher.Workspace();
        for (String sampleId : sampleIds) {
            Node node = tx.findNode(Graph.SAMPLE, "sample_id", sampleId);
            if (node == null) {
                continue;
            }
            SampleGraph sample = SampleGraph.read(node);
            List<List<Activation.Neuron>> viewed = new ArrayList<>();
            for (Node view : views(node, views)) {
                SampleGraph copy = SampleGraph.read(view);
                viewed.add(Activation.rank(copy, model, classSet,
                        Matcher.match(copy, model.units, admitted, distanceWeight, 0.0, workspace),
                        rule, figureWeight, topCompartments));
            }
            Map<String, Matcher.Match> matches = Matcher.match(sample, model.units, admitted, distanceWeight, 0.0, workspace);
            List<Activation.Neuron> ranked = Activation.pool(Activation.rank(
                    sample, model, classSet, matches, rule, figureWeight, topCompartments), viewed);
            List<Map<String, Object>> out = new ArrayList<>();
            for (Activation.Neuron n : ranked) {
                out.add(n.row());
            }
            rows.add(new ActivationRow(
                    sample.sampleId, sample.label, ranked.isEmpty() ? null : ranked.get(0).concept().cls(), out));
        }
        return rows.stream();
    }

    /** The first {@code count} views of a sample, in order of sample id (cypher/kernel/sample-views). */
    private static List<Node> views(Node sample, int count) {
        List<Node> views = new ArrayList<>();
        if (count == 0) {
            return views;
        }
        for (Relationship r : sample.getRelationships(Direction.OUTGOING, Graph.HAS_VIEW)) {
            Node view = r.getEndNode();
            if (view.hasLabel(Graph.SAMPLE)) {
                views.add(view);
            }
        }
        views.sort(Comparator.comparing(v -> (String) v.getProperty("sample_id")));
        return views.subList(0, Math.min(count, views.size()));
    }

    /** Mirrors cypher/kernel/match (cypher/kernel/unit-pairs, then cypher/kernel/link-energy). */
    @Procedure(name = "coman.match", mode = Mode.READ)
    @Description("Matches a sample to the concepts whose units pass the filter: per concept, the mutual-best "
            + "unit pairs and the energy they and their interconnections fill, as cypher/kernel/match. Reads the "
            + "graph at every call (training matches concepts that change at every step).")
    public Stream<MatchRow> match(
            @Name(value = "sample", description = "The sample node.") Node sample,
            @Name(value = "classes", description = "The classes whose concept units compete.") List<Number> classes,
            @Name(value = "status", description = "Their concepts' status, or null for any.") String status,
            @Name(value = "training", description = "A training run id, or null for any.") String training,
            @Name(value = "conceptId", description = "One concept, or null for any.") String conceptId,
            @Name(value = "options", description = "{distance_weight: FLOAT, tie_bonus: FLOAT}, as kernel/unit-pairs' "
                    + "parameters.")
                    Map<String, Object> options) {
        double distanceWeight = number(options, "distance_weight");
        double tieBonus = number(options, "tie_bonus");
        SampleGraph graph = SampleGraph.read(sample);
        List<String> keys = new ArrayList<>();
        for (SampleGraph.Unit unit : graph.unitList) {
            if (unit.anchorKeys() != null) {
                keys.addAll(List.of(unit.anchorKeys()));
            }
        }
        ConceptModel.Filter filter =
                new ConceptModel.Filter(ConceptModel.Filter.classSet(classes), status, training, conceptId);
        ConceptModel model = ConceptModel.load(tx, db.databaseName(), keys, filter, true);
        if (tieBonus != 0.0) {
            model.readCorrespondences();
        }
        return Matcher.match(graph, model, null, distanceWeight, tieBonus, new Matcher.Workspace())
                .values()
                .stream()
                .map(m -> new MatchRow(m, tx));
    }

    private static Object required(Map<String, Object> options, String key) {
        Object value = options == null ? null : options.get(key);
        if (value == null) {
            throw new IllegalArgumentException("coman: option " + key + " is required");
        }
        return value;
    }

    private static double number(Map<String, Object> options, String key) {
        Object value = required(options, key);
        if (!(value instanceof Number n)) {
            throw new IllegalArgumentException("coman: option " + key + " must be a number, not " + value);
        }
        return n.doubleValue();
    }
}
