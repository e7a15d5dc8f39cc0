package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The matching kernel: mutual-best unit pairs (cypher/kernel/unit-pairs) and the energy of the
 * interconnections they fill (cypher/kernel/link-energy), for one sample against the concept
 * units of a {@link ConceptModel}, per concept. Decision for decision the Cypher specification:
 *
 * <ul>
 *   <li>candidates: a concept unit and a sample unit sharing an anchor cell, the pair taken
 *       through the main cell, or through the shifted one when their main cells differ;
 *   <li>score: the table look-up {@code sum(cu.table[slot] for slot in su.slots)}, kept when
 *       positive; rank: score - distanceWeight x squared distance (+ tieBonus when the pair
 *       corresponds already, training only);
 *   <li>a pair is kept when its rank is the best of its concept unit's and of its sample unit's
 *       within the concept (every pair at the best rank, ties included);
 *   <li>a concept interconnection counts when the counterparts of its two units (the first pair
 *       of each) are interconnected in the sample, either direction, and fills the table
 *       look-up of that sample interconnection's slots;
 *   <li>the pairs are listed, and pair and interconnection scores summed, in ascending order of
 *       score: the same sums, to the bit, as the Cypher kernel's.
 * </ul>
 */
final class Matcher {
    /** The kept pairs of one concept and the energy they fill. */
    static final class Match {
        final String conceptId;
        final List<ConceptModel.Unit> cus = new ArrayList<>();
        final List<SampleGraph.Unit> sus = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();
        double unitEnergy = 0.0;
        long links = 0;
        double linkEnergy = 0.0;

        Match(String conceptId) {
            this.conceptId = conceptId;
        }

        double matched() {
            return unitEnergy + linkEnergy;
        }
    }

    private record Candidate(ConceptModel.Unit cu, SampleGraph.Unit su, double score, double rank) {}

    private record SampleSide(String conceptId, int unit) {}

    private Matcher() {}

    /**
     * Matches {@code sample} against the units of {@code model} whose class is in {@code classes}
     * (every class when null). Returns the matches by concept id, concepts without a kept pair
     * left out.
     */
    static Map<String, Match> match(
            SampleGraph sample, ConceptModel model, Set<Double> classes, double distanceWeight, double tieBonus) {
        List<Candidate> candidates = new ArrayList<>();
        for (SampleGraph.Unit su : sample.unitList) {
            String[] keys = su.anchorKeys();
            if (keys == null || keys.length == 0) {
                continue;
            }
            String main = keys[0];
            for (int k = 0; k < keys.length; k++) {
                List<ConceptModel.Unit> anchored = model.byAnchor.get(keys[k]);
                if (anchored == null) {
                    continue;
                }
                for (ConceptModel.Unit cu : anchored) {
                    if (classes != null && (cu.cls == null || !classes.contains(cu.cls))) {
                        continue;
                    }
                    if (k != 0 && (cu.main == null || main == null || cu.main.equals(main))) {
                        continue;
                    }
                    Double score = Graph.lookUp(cu.table, su.slots());
                    if (score == null || !(score > 0)) {
                        continue;
                    }
                    if (cu.x == null || cu.y == null || su.x() == null || su.y() == null) {
                        continue;
                    }
                    double d2 = Math.pow(cu.x - su.x(), 2.0) + Math.pow(cu.y - su.y(), 2.0);
                    double bonus = tieBonus == 0.0
                            ? 0.0
                            : cu.corresponds != null && cu.corresponds.contains(su.node()) ? tieBonus : 0.0;
                    double rank = score - distanceWeight * d2 + bonus;
                    candidates.add(new Candidate(cu, su, score, rank));
                }
            }
        }
        Map<ConceptModel.Unit, Double> cuBest = new IdentityHashMap<>();
        Map<SampleSide, Double> suBest = new HashMap<>();
        for (Candidate c : candidates) {
            cuBest.merge(c.cu(), c.rank(), Math::max);
            suBest.merge(new SampleSide(c.cu().conceptId, c.su().index()), c.rank(), Math::max);
        }
        Map<String, List<Candidate>> kept = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            if (c.rank() == cuBest.get(c.cu())
                    && c.rank() == suBest.get(new SampleSide(c.cu().conceptId, c.su().index()))) {
                kept.computeIfAbsent(c.cu().conceptId, k -> new ArrayList<>()).add(c);
            }
        }
        Map<String, Match> matches = new LinkedHashMap<>();
        for (Map.Entry<String, List<Candidate>> e : kept.entrySet()) {
            Match m = new Match(e.getKey());
            List<Candidate> pairs = e.getValue();
            pairs.sort(Comparator.comparingDouble(Candidate::score));
            for (Candidate c : pairs) {
                m.cus.add(c.cu());
                m.sus.add(c.su());
                m.scores.add(c.score());
                m.unitEnergy = m.unitEnergy + c.score();
            }
            linkEnergy(sample, m);
            matches.put(m.conceptId, m);
        }
        return matches;
    }

    private static void linkEnergy(SampleGraph sample, Match m) {
        Map<ConceptModel.Unit, Integer> first = new IdentityHashMap<>();
        for (int j = 0; j < m.cus.size(); j++) {
            first.putIfAbsent(m.cus.get(j), j);
        }
        Map<ConceptModel.Link, long[]> found = new LinkedHashMap<>();
        for (int i = 0; i < m.cus.size(); i++) {
            int sa = m.sus.get(i).index();
            for (ConceptModel.Link r : m.cus.get(i).links) {
                Integer j = first.get(r.target);
                if (j == null || found.containsKey(r)) {
                    continue;
                }
                int sb = m.sus.get(j).index();
                if (sample.linked(sa, sb)) {
                    found.put(r, sample.linkSlots(sa, sb));
                }
            }
        }
        m.links = found.size();
        List<Double> scores = new ArrayList<>();
        for (Map.Entry<ConceptModel.Link, long[]> e : found.entrySet()) {
            Double score = Graph.lookUp(e.getKey().table, e.getValue());
            if (score != null) {
                scores.add(score);
            }
        }
        scores.sort(null);
        for (double score : scores) {
            m.linkEnergy = m.linkEnergy + score;
        }
    }
}
