package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;

/**
 * One stored sample as matching reads it: its units (table slots, position, anchor cells), its
 * interconnections (either direction, by pair of units), its figure's slots and its counts.
 */
final class SampleGraph {
    /** A unit of the sample. */
    record Unit(int index, Node node, String elementId, long[] slots, Double x, Double y, String[] anchorKeys) {}

    final Node node;
    final String sampleId;
    final Object label;
    final long units;
    final long segments;
    final long links;
    final List<Unit> unitList = new ArrayList<>();
    final long[] figureSlots;
    private final Map<Long, long[]> linkSlots = new HashMap<>();

    private SampleGraph(Node node) {
        this.node = node;
        Map<String, Object> props =
                node.getProperties("sample_id", "label", "n_units", "n_segments", "n_links");
        this.sampleId = (String) props.get("sample_id");
        this.label = props.get("label");
        this.units = count(props.get("n_units"));
        this.segments = count(props.get("n_segments"));
        this.links = count(props.get("n_links"));
        long[] figure = null;
        for (Relationship has : node.getRelationships(Direction.OUTGOING, Graph.HAS_FIGURE)) {
            figure = Graph.longs(has.getEndNode().getProperty("slots", null), "the figure's slots of " + sampleId);
            break;
        }
        this.figureSlots = figure;
    }

    private static long count(Object value) {
        return value instanceof Number n ? n.longValue() : 0L;
    }

    /** The sample stored as {@code node}, read whole. */
    static SampleGraph read(Node node) {
        SampleGraph sample = new SampleGraph(node);
        Map<Node, Unit> byNode = new HashMap<>();
        for (Relationship has : node.getRelationships(Direction.OUTGOING, Graph.HAS_UNIT)) {
            Node unit = has.getEndNode();
            if (!unit.hasLabel(Graph.UNIT)) {
                continue;
            }
            Map<String, Object> p = unit.getProperties("slots", "x", "y", "anchor_keys");
            Unit u = new Unit(
                    sample.unitList.size(),
                    unit,
                    unit.getElementId(),
                    Graph.longs(p.get("slots"), "the slots of unit " + unit.getProperty("unit_id", "?")),
                    Graph.number(p.get("x")),
                    Graph.number(p.get("y")),
                    Graph.strings(p.get("anchor_keys")));
            sample.unitList.add(u);
            byNode.put(unit, u);
        }
        for (Unit a : sample.unitList) {
            for (Relationship q : a.node().getRelationships(Direction.OUTGOING, Graph.INTERCONNECTS)) {
                Unit b = byNode.get(q.getEndNode());
                if (b != null) {
                    long[] slots = Graph.longs(q.getProperty("slots", null), "the slots of an interconnection of "
                            + sample.sampleId);
                    sample.linkSlots.putIfAbsent(pair(a.index(), b.index()), slots);
                }
            }
        }
        return sample;
    }

    private static long pair(int a, int b) {
        return a < b ? ((long) a << 32) | b : ((long) b << 32) | a;
    }

    /** Whether units {@code a} and {@code b} are interconnected (either direction). */
    boolean linked(int a, int b) {
        return linkSlots.containsKey(pair(a, b));
    }

    /** The slots of the interconnection between units {@code a} and {@code b}. */
    long[] linkSlots(int a, int b) {
        return linkSlots.get(pair(a, b));
    }
}
