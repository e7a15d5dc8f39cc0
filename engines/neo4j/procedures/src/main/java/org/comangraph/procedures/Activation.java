package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Activation of the active concepts by one sample and winner-take-all over the detector
 * neurons, as cypher/infer/activate computes them (its header gives the rules):
 * fill = matched / concept energy; coverage = matched units and interconnections / the sample's;
 * explained = matched / max(concept energy, the sample's energy at the concept's resolution);
 * activation = the rule's value x 2^(-figureWeight x the figure bits left unfilled). A neuron's
 * compartments are ranked by activation, then examples absorbed, then energy, then concept id; its
 * best one speaks for it, with the mean activation of its topCompartments best (summed best
 * first), and the neurons are ranked the same way. A sample's views are pooled as
 * cypher/kernel/pool-views pools them ({@link #pool}).
 */
final class Activation {
    /** The rules of infer/activate. */
    static final Set<String> RULES = Set.of("fill_coverage", "explained", "fill");

    /** One neuron's best compartment, as a row of {@code ranked}. */
    record Neuron(ActiveModel.Concept concept, double activation, double fill, double coverage, double figureMissing) {
        Map<String, Object> row() {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", concept.cls());
            row.put("concept_id", concept.conceptId());
            row.put("activation", activation);
            row.put("fill", fill);
            row.put("coverage", coverage);
            row.put("figure_missing", figureMissing);
            row.put("energy", concept.energy());
            row.put("examples", concept.examples());
            return row;
        }
    }

    static final Comparator<Neuron> RANKING = Comparator.comparingDouble(Neuron::activation)
            .reversed()
            .thenComparing(Neuron::concept, ActiveModel.BY_EXAMPLES_ENERGY_ID);

    private Activation() {}

    /** Every competing neuron's best compartment for {@code sample}, best first. */
    static List<Neuron> rank(
            SampleGraph sample,
            ActiveModel model,
            Set<Double> classes,
            Map<String, Matcher.Match> matches,
            String rule,
            double figureWeight,
            int topCompartments) {
        Map<Double, List<Neuron>> compartments = new HashMap<>();
        for (Matcher.Match m : matches.values()) {
            ActiveModel.Concept c = model.concepts.get(m.conceptId);
            if (c == null) {
                continue;
            }
            Neuron n = activate(sample, c, m, rule, figureWeight);
            compartments.computeIfAbsent(Graph.number(c.cls()), k -> new ArrayList<>()).add(n);
        }
        Map<Double, Neuron> best = new HashMap<>();
        for (Map.Entry<Double, List<Neuron>> e : compartments.entrySet()) {
            List<Neuron> list = e.getValue();
            list.sort(RANKING);
            int top = Math.min(topCompartments, list.size());
            double sum = 0.0;
            for (int i = 0; i < top; i++) {
                sum += list.get(i).activation();
            }
            Neuron first = list.get(0);
            best.put(e.getKey(), new Neuron(
                    first.concept(), sum / top, first.fill(), first.coverage(), first.figureMissing()));
        }
        List<Neuron> ranked = new ArrayList<>();
        for (List<ActiveModel.Concept> concepts : model.classes(classes)) {
            ActiveModel.Concept first = concepts.get(0);
            Neuron matched = best.remove(Graph.number(first.cls()));
            ranked.add(matched != null ? matched : new Neuron(first, 0.0, 0.0, 0.0, 0.0));
        }
        ranked.addAll(best.values());
        ranked.sort(RANKING);
        return ranked;
    }

    /**
     * A sample's neurons pooled over it and its views (cypher/kernel/pool-views): each neuron's
     * activation is the mean of its activations in {@code own} and in each of {@code views}
     * (summed in ascending order), with the sample's own best compartment; ranked again.
     */
    static List<Neuron> pool(List<Neuron> own, List<List<Neuron>> views) {
        if (views.isEmpty()) {
            return own;
        }
        List<Neuron> pooled = new ArrayList<>();
        for (Neuron mine : own) {
            Double cls = Graph.number(mine.concept().cls());
            List<Double> activations = new ArrayList<>();
            activations.add(mine.activation());
            for (List<Neuron> view : views) {
                for (Neuron n : view) {
                    if (cls.equals(Graph.number(n.concept().cls()))) {
                        activations.add(n.activation());
                    }
                }
            }
            activations.sort(Comparator.naturalOrder());
            double sum = 0.0;
            for (double x : activations) {
                sum += x;
            }
            pooled.add(new Neuron(
                    mine.concept(), sum / activations.size(), mine.fill(), mine.coverage(), mine.figureMissing()));
        }
        pooled.sort(RANKING);
        return pooled;
    }

    private static Neuron activate(
            SampleGraph sample, ActiveModel.Concept c, Matcher.Match m, String rule, double figureWeight) {
        Double figureFill = Graph.lookUp(c.figureTable(), sample.figureSlots);
        double figureEnergy = c.figureEnergy() == null ? 0.0 : c.figureEnergy();
        double figureMissing = figureEnergy - (figureFill == null ? 0.0 : figureFill);
        double matched = m.matched();
        double explainedUnits = (double) m.cus.size() + m.links;
        double coverage = explainedUnits / (sample.units + sample.links);
        double sampleEnergy = (sample.units - sample.segments) * c.meanPointEnergy()
                + sample.segments * c.meanSegmentEnergy()
                + sample.links * c.meanLinkEnergy();
        double energy = c.energy();
        double fill = energy > 0 ? matched / energy : 0.0;
        double explained = energy > 0 ? matched / (sampleEnergy > energy ? sampleEnergy : energy) : 0.0;
        double value = switch (rule) {
            case "fill" -> fill;
            case "explained" -> explained;
            default -> fill * coverage;
        };
        double activation = value * Math.pow(2.0, -figureWeight * figureMissing);
        return new Neuron(c, activation, fill, coverage, figureMissing);
    }
}
