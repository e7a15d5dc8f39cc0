package org.comangraph.procedures;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 *
 * Units and concepts are addressed by their ordinals in the model, so the hot loops index arrays.
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

    /**
     * Growable parallel arrays of candidate pairs, and the best ranks per concept unit and per
     * (concept, sample unit): one per call, reused from sample to sample.
     */
    static final class Workspace {
        int size = 0;
        double[] cuBest = new double[0];
        double[] suBest = new double[0];
        int[] cu = new int[1024];
        int[] su = new int[1024];
        double[] score = new double[1024];
        double[] rank = new double[1024];

        void add(int cuOrdinal, int suIndex, double s, double r) {
            if (size == cu.length) {
                cu = Arrays.copyOf(cu, size * 2);
                su = Arrays.copyOf(su, size * 2);
                score = Arrays.copyOf(score, size * 2);
                rank = Arrays.copyOf(rank, size * 2);
            }
            cu[size] = cuOrdinal;
            su[size] = suIndex;
            score[size] = s;
            rank[size] = r;
            size++;
        }

        /** Clears the candidates and sizes the best-rank arrays, all at minus infinity. */
        void reset(int units, int sides) {
            size = 0;
            if (cuBest.length < units) {
                cuBest = new double[units];
            }
            if (suBest.length < sides) {
                suBest = new double[sides];
            }
            Arrays.fill(cuBest, 0, units, Double.NEGATIVE_INFINITY);
            Arrays.fill(suBest, 0, sides, Double.NEGATIVE_INFINITY);
        }
    }

    private Matcher() {}

    /**
     * Matches {@code sample} against the units of {@code model} admitted by {@code admitted}
     * (indexed by unit ordinal; null admits all). Returns the matches by concept id, concepts
     * without a kept pair left out.
     */
    static Map<String, Match> match(
            SampleGraph sample,
            ConceptModel model,
            boolean[] admitted,
            double distanceWeight,
            double tieBonus,
            Workspace c) {
        int sampleUnits = sample.unitList.size();
        c.reset(model.units.size(), model.conceptIds.size() * sampleUnits);
        for (SampleGraph.Unit su : sample.unitList) {
            String[] keys = su.anchorKeys();
            if (keys == null || keys.length == 0 || su.x() == null || su.y() == null) {
                continue;
            }
            String main = keys[0];
            long[] slots = su.slots();
            double sx = su.x();
            double sy = su.y();
            for (int k = 0; k < keys.length; k++) {
                List<ConceptModel.Unit> anchored = model.byAnchor.get(keys[k]);
                if (anchored == null) {
                    continue;
                }
                for (ConceptModel.Unit cu : anchored) {
                    if (admitted != null && !admitted[cu.ordinal]) {
                        continue;
                    }
                    if (k != 0 && (cu.main == null || main == null || cu.main.equals(main))) {
                        continue;
                    }
                    double score = Graph.score(cu.table, slots);
                    if (!(score > 0) || cu.x == null || cu.y == null) {
                        continue;
                    }
                    double d2 = Math.pow(cu.x - sx, 2.0) + Math.pow(cu.y - sy, 2.0);
                    double bonus = tieBonus == 0.0
                            ? 0.0
                            : cu.corresponds != null && cu.corresponds.contains(su.elementId()) ? tieBonus : 0.0;
                    c.add(cu.ordinal, su.index(), score, score - distanceWeight * d2 + bonus);
                }
            }
        }
        double[] cuBest = c.cuBest;
        double[] suBest = c.suBest;
        for (int i = 0; i < c.size; i++) {
            int side = model.units.get(c.cu[i]).concept * sampleUnits + c.su[i];
            cuBest[c.cu[i]] = Math.max(cuBest[c.cu[i]], c.rank[i]);
            suBest[side] = Math.max(suBest[side], c.rank[i]);
        }
        int[] keptCount = new int[model.conceptIds.size()];
        int[] kept = new int[c.size];
        int keptSize = 0;
        for (int i = 0; i < c.size; i++) {
            ConceptModel.Unit cu = model.units.get(c.cu[i]);
            if (c.rank[i] == cuBest[c.cu[i]] && c.rank[i] == suBest[cu.concept * sampleUnits + c.su[i]]) {
                kept[keptSize++] = i;
                keptCount[cu.concept]++;
            }
        }
        // the kept pairs grouped by concept (in the order concepts are first met), each group in
        // ascending order of score
        int[][] groups = new int[model.conceptIds.size()][];
        List<Integer> order = new ArrayList<>();
        int[] filled = new int[model.conceptIds.size()];
        for (int j = 0; j < keptSize; j++) {
            int concept = model.units.get(c.cu[kept[j]]).concept;
            if (groups[concept] == null) {
                groups[concept] = new int[keptCount[concept]];
                order.add(concept);
            }
            groups[concept][filled[concept]++] = kept[j];
        }
        Map<String, Match> matches = new LinkedHashMap<>();
        for (int concept : order) {
            int[] group = groups[concept];
            sortByScore(group, c.score);
            Match m = new Match(model.conceptIds.get(concept));
            for (int i : group) {
                m.cus.add(model.units.get(c.cu[i]));
                m.sus.add(sample.unitList.get(c.su[i]));
                m.scores.add(c.score[i]);
                m.unitEnergy = m.unitEnergy + c.score[i];
            }
            linkEnergy(sample, m);
            matches.put(m.conceptId, m);
        }
        return matches;
    }

    /** Insertion sort of candidate indices by ascending score, stable (groups are small). */
    private static void sortByScore(int[] group, double[] score) {
        for (int i = 1; i < group.length; i++) {
            int x = group[i];
            int j = i - 1;
            while (j >= 0 && score[group[j]] > score[x]) {
                group[j + 1] = group[j];
                j--;
            }
            group[j + 1] = x;
        }
    }

    private static void linkEnergy(SampleGraph sample, Match m) {
        Map<ConceptModel.Unit, Integer> first = new IdentityHashMap<>();
        for (int j = 0; j < m.cus.size(); j++) {
            first.putIfAbsent(m.cus.get(j), j);
        }
        Map<ConceptModel.Link, long[]> found = new IdentityHashMap<>();
        List<ConceptModel.Link> foundOrder = new ArrayList<>();
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
                    foundOrder.add(r);
                }
            }
        }
        m.links = foundOrder.size();
        double[] scores = new double[foundOrder.size()];
        int n = 0;
        for (ConceptModel.Link r : foundOrder) {
            Double score = Graph.lookUp(r.table, found.get(r));
            if (score != null) {
                scores[n++] = score;
            }
        }
        Arrays.sort(scores, 0, n);
        for (int i = 0; i < n; i++) {
            m.linkEnergy = m.linkEnergy + scores[i];
        }
    }
}
