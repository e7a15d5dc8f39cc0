package org.comangraph.procedures;

import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.RelationshipType;

/**
 * The labels, relationship types and property conversions of the coman-graph data model
 * (docs/data-model.md) that the procedures read.
 */
final class Graph {
    static final Label SAMPLE = Label.label("Sample");
    static final Label UNIT = Label.label("Unit");
    static final Label CONCEPT = Label.label("Concept");
    static final Label CONCEPT_UNIT = Label.label("ConceptUnit");
    static final Label CONCEPT_FIGURE = Label.label("ConceptFigure");
    static final Label ANCHOR = Label.label("Anchor");
    static final Label DETECTOR_NEURON = Label.label("DetectorNeuron");
    static final RelationshipType HAS_COMPARTMENT = RelationshipType.withName("HAS_COMPARTMENT");
    static final RelationshipType HAS_UNIT = RelationshipType.withName("HAS_UNIT");
    static final RelationshipType HAS_FIGURE = RelationshipType.withName("HAS_FIGURE");
    static final RelationshipType INTERCONNECTS = RelationshipType.withName("INTERCONNECTS");
    static final RelationshipType ANCHORS = RelationshipType.withName("ANCHORS");
    static final RelationshipType CORRESPONDS = RelationshipType.withName("CORRESPONDS");
    static final RelationshipType HAS_VIEW = RelationshipType.withName("HAS_VIEW");
    /** The status of the concepts a class is classified with (train/activate-class). */
    static final String ACTIVE = "active";

    private Graph() {}

    /**
     * A stored list of numbers as doubles: null when absent; an error naming {@code what} when it
     * is something else, where the Cypher kernel fails too.
     */
    static double[] doubles(Object value, String what) {
        if (value == null) {
            return null;
        }
        if (value instanceof double[] d) {
            return d;
        }
        if (value instanceof long[] l) {
            double[] out = new double[l.length];
            for (int i = 0; i < l.length; i++) {
                out[i] = l[i];
            }
            return out;
        }
        throw new IllegalStateException(what + " is not a list of numbers: " + describe(value));
    }

    /** A stored list of integers: null when absent; an error naming {@code what} otherwise. */
    static long[] longs(Object value, String what) {
        if (value == null || value instanceof long[]) {
            return (long[]) value;
        }
        throw new IllegalStateException(what + " is not a list of integers: " + describe(value));
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() > 60 ? text.substring(0, 60) + "..." : text;
    }

    /** A stored list of strings (null when absent). */
    static String[] strings(Object value) {
        return value instanceof String[] s ? s : null;
    }

    /** A stored number as a double (null when absent). */
    static Double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : null;
    }

    /**
     * {@code sum(table[slot] for slot in slots)} in slots order, as Cypher's
     * {@code reduce(e = 0.0, i IN slots | e + table[i])} computes it; null where Cypher's would
     * be null (no table, no slots, or a slot outside the table).
     */
    static Double lookUp(double[] table, long[] slots) {
        double sum = score(table, slots);
        return Double.isNaN(sum) ? null : sum;
    }

    /** {@link #lookUp} without boxing: NaN where it is null (table entries are never NaN). */
    static double score(double[] table, long[] slots) {
        if (table == null || slots == null) {
            return Double.NaN;
        }
        double sum = 0.0;
        for (long slot : slots) {
            if (slot < 0 || slot >= table.length) {
                return Double.NaN;
            }
            sum = sum + table[(int) slot];
        }
        return sum;
    }
}
