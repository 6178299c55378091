"""Rates and funnel-plot control limits against hand-computed cases."""

import math

import numpy as np
import pytest

from analysis.methods import stats

pytestmark = pytest.mark.unit


def _cdf(k: int, lam: float) -> float:
    """Poisson CDF summed by hand (independent of scipy)."""
    return sum(math.exp(-lam + i * math.log(lam) - math.lgamma(i + 1)) for i in range(k + 1))


def _limit_by_hand(lam: float, p: float) -> float:
    y = 0
    while _cdf(y, lam) < p:
        y += 1
    f_y, f_below = _cdf(y, lam), (_cdf(y - 1, lam) if y > 0 else 0.0)
    return max(y - (f_y - p) / (f_y - f_below), 0.0)  # a count limit cannot go below zero


class TestRate:
    def test_cambridgeshire_2017(self):
        # 686 children, 133,720 children aged 0-17 -> 51.3 per 10,000 (DfE publishes 51)
        assert stats.rate(686, 133_720) == pytest.approx(51.301, abs=1e-3)

    def test_zero_population_is_nan_not_an_error(self):
        assert math.isnan(stats.rate(5, 0))

    def test_vectorised(self):
        np.testing.assert_allclose(stats.rate([10, 20], [10_000, 40_000]), [10.0, 5.0])


class TestPoissonLimit:
    def test_upper_975_for_mean_4_by_hand(self):
        # F(7)=0.948866, F(8)=0.978637 -> y=8, a=(0.978637-0.975)/(0.978637-0.948866)=0.12217
        assert stats.poisson_limit(4.0, 0.975) == pytest.approx(7.8778, abs=1e-3)

    def test_lower_025_for_mean_4_by_hand(self):
        # F(0)=0.018316, F(1)=0.091578 -> y=1, a=(0.091578-0.025)/0.073263=0.90876
        assert stats.poisson_limit(4.0, 0.025) == pytest.approx(0.0912, abs=1e-3)

    @pytest.mark.parametrize("lam", [0.7, 3.0, 12.5, 60.0, 250.0])
    @pytest.mark.parametrize("p", [0.001, 0.025, 0.975, 0.999])
    def test_matches_hand_summation(self, lam, p):
        assert stats.poisson_limit(lam, p) == pytest.approx(_limit_by_hand(lam, p), abs=1e-6)

    def test_limits_are_continuous_in_expected_count(self):
        lam = np.linspace(50, 60, 2001)
        upper = stats.poisson_limit(lam, 0.999)
        assert np.all(np.diff(upper) > -1e-9)  # never jumps down
        assert np.max(np.diff(upper)) < 0.05  # and never jumps up


class TestFunnelPosition:
    # population 100,000, target 50 per 10,000 -> expected count 500 (sd about 22.4)
    @pytest.mark.parametrize(
        "count, position",
        [
            (600, "above 99.8% limit"),
            (555, "above 95% limit"),
            (500, "within limits"),
            (540, "within limits"),
            (450, "below 95% limit"),
            (400, "below 99.8% limit"),
        ],
    )
    def test_positions(self, count, position):
        assert stats.funnel_position(count, 100_000, 50.0) == position

    def test_limits_narrow_as_population_grows(self):
        lo_small, hi_small = stats.control_limits(50.0, 10_000, 0.95)
        lo_big, hi_big = stats.control_limits(50.0, 1_000_000, 0.95)
        assert hi_small - lo_small > hi_big - lo_big > 0
        assert lo_big < 50.0 < hi_big

    def test_95_limits_contain_about_95_percent_of_poisson_draws(self):
        rng = np.random.default_rng(1)
        pop = 150_000
        lo, hi = stats.control_limits(60.0, pop, 0.95)
        draws = stats.rate(rng.poisson(60.0 * pop / 10_000, 20_000), pop)
        inside = np.mean((draws >= lo) & (draws <= hi))
        assert 0.94 < inside < 0.965


class TestOverdispersion:
    def test_pure_poisson_is_not_overdispersed(self):
        rng = np.random.default_rng(2)
        pops = rng.integers(20_000, 300_000, 150)
        counts = rng.poisson(60.0 * pops / 10_000)
        od = stats.overdispersion(counts, pops, 60.0)
        assert 0.7 < od.phi < 1.4 and not od.overdispersed

    def test_spread_rates_are_overdispersed(self):
        rng = np.random.default_rng(3)
        pops = rng.integers(20_000, 300_000, 150)
        counts = rng.poisson(rng.uniform(30, 110, 150) * pops / 10_000)
        assert stats.overdispersion(counts, pops, 60.0).overdispersed


def _simulated_outside(seed: int, tau_rel: float, winsor: float = stats.WINSOR, consistent: bool = True) -> float:
    """Share of 150 authorities outside the adjusted 95% limits, rates drawn from the random-effects model.

    Populations log-uniform on 30,000-300,000 (England's authorities' range), England's rate 60 per
    10,000, each authority's square-root rate normal around England's with sd ``tau_rel`` of it.
    """
    rng = np.random.default_rng(seed)
    pops = np.exp(rng.uniform(np.log(30_000), np.log(300_000), 150))
    root = math.sqrt(60 / 10_000) * (1 + rng.normal(0, tau_rel, 150))
    counts = rng.poisson(np.clip(root, 0, None) ** 2 * pops)
    od = stats.overdispersion(counts, pops, 60.0, winsor=winsor, consistent=consistent)
    lo, hi = stats.control_limits(60.0, pops, 0.95, od=od)
    r = stats.rate(counts, pops)
    return float(np.mean((r < lo) | (r > hi)))


class TestRandomEffects:
    def test_spiegelhalter_by_hand(self):
        # z = [-1, 0, 1, 2, 8]; 10th and 90th percentiles (linear) -0.6 and 5.6, so the winsorised
        # z are [-0.6, 0, 1, 2, 5.6]: phi = (0.36 + 0 + 1 + 4 + 31.36) / 5 = 7.344, and with w = 1,
        # tau^2 = (5 x 7.344 - 4) / (5 - 25/5) = 8.18
        od = stats.random_effects([1, 2, 3, 4, 10], [1] * 5, 2.0, consistent=False)
        assert od.phi == pytest.approx(7.344) and od.n == 5
        assert od.tau2 == pytest.approx(8.18) and od.overdispersed

    def test_consistency_factor_by_hand(self):
        # a = 1.28155 (90% normal point), pdf(a) = 0.175498: 0.8 - 2 a pdf(a) + 0.2 a^2 = 0.678655
        assert stats.winsor_consistency(0.10) == pytest.approx(0.678655, abs=1e-6)
        assert stats.winsor_consistency(0.0) == pytest.approx(1.0)
        od = stats.random_effects([1, 2, 3, 4, 10], [1] * 5, 2.0)
        assert od.phi == pytest.approx(7.344 / 0.678655, rel=1e-5)
        assert od.tau2 == pytest.approx((5 * 7.344 / 0.678655 - 4) / 4, rel=1e-5)

    def test_unequal_weights_dersimonian_laird_by_hand(self):
        # s = [1, 2], no winsorising: z = [3, 3], phi = 9; w = [1, 1/4]: sum w = 1.25, sum w^2 = 1.0625,
        # tau^2 = (2 x 9 - 1) / (1.25 - 1.0625 / 1.25) = 17 / 0.4 = 42.5
        od = stats.random_effects([3, 6], [1, 2], 0.0, winsor=0.0)
        assert od.phi == pytest.approx(9.0) and od.tau2 == pytest.approx(42.5)

    def test_no_overdispersion_means_no_widening(self):
        od = stats.random_effects([0.1, -0.2, 0.3, -0.1, 0.0], [1] * 5, 0.0)
        assert not od.overdispersed and od.tau2 == 0.0
        assert stats.control_limits(60.0, 100_000, 0.95, od=od) == stats.control_limits(60.0, 100_000, 0.95)

    def test_adjusted_limits_by_hand(self):
        # sqrt scale: t = sqrt(0.006), s = 1 / (2 sqrt(100,000)); limits (t +- 1.96 sqrt(s^2 + tau^2))^2
        od = stats.Overdispersion(phi=50.0, n=150, tau2=1e-4)
        lo, hi = stats.control_limits(60.0, 100_000, 0.95, od=od)
        half = 1.959964 * math.sqrt(0.25 / 100_000 + 1e-4)
        assert lo == pytest.approx((math.sqrt(0.006) - half) ** 2 * 10_000, rel=1e-5)
        assert hi == pytest.approx((math.sqrt(0.006) + half) ** 2 * 10_000, rel=1e-5)
        plain = stats.control_limits(60.0, 100_000, 0.95)
        assert lo < plain[0] and hi > plain[1]

    @pytest.mark.parametrize("tau_rel", [0.05, 0.2])
    def test_about_5_percent_outside_the_adjusted_95_limits(self, tau_rel):
        # Tolerance: the mean over 40 simulated sets of 150 authorities lies in [4%, 8%]. With unequal
        # authority sizes the z-scores are a scale mixture with heavier tails than the normal, so even
        # after the consistency factor winsorising leaves phi a little low: about 6.5-7% fall outside.
        outside = np.mean([_simulated_outside(seed, tau_rel) for seed in range(40)])
        assert 0.04 <= outside <= 0.08, outside
        # without winsorising DerSimonian-Laird is unbiased here: 5% to within simulation error
        plain = np.mean([_simulated_outside(seed, tau_rel, winsor=0.0) for seed in range(40)])
        assert 0.04 <= plain <= 0.06, plain
        # Spiegelhalter's uncorrected phi leaves about 11-13% outside (why the factor is applied)
        raw = np.mean([_simulated_outside(seed, tau_rel, consistent=False) for seed in range(40)])
        assert raw > 0.10, raw

    def test_share_and_rate_tests(self):
        od = stats.Overdispersion(phi=20.0, n=150, tau2=0.0004)
        up = stats.rate_test(700, 100_000, 60.0, od, alternative="greater")
        assert up.adjusted and up.z > 0
        assert up.p == pytest.approx(1 - 0.5 * (1 + math.erf(up.z / math.sqrt(2))), rel=1e-9)
        assert stats.rate_test(700, 100_000, 60.0, od, alternative="less").p == pytest.approx(1 - up.p)
        exact = stats.rate_test(700, 100_000, 60.0, alternative="greater")
        assert not exact.adjusted and exact.p < 0.01 < up.p  # 700 against E = 600: significant only as Poisson
        # exact binomial one-sided: 60 of 100 against a half, P(X >= 60) = 0.02844
        assert stats.share_test(60, 100, 0.5, alternative="greater").p == pytest.approx(0.028444, abs=1e-5)
        assert stats.share_test(60, 100, 0.5, alternative="greater").direction(0.05) == "higher"
        assert stats.share_test(60, 100, 0.5, alternative="less").direction(0.05) == "in line"
        with pytest.raises(ValueError):
            stats.share_test(1, 2, 0.5, alternative="bigger")

    def test_log_ratio_scale_by_hand(self):
        y, s = stats.ratio_scale([120, 0], [100, 50])
        assert y[0] == pytest.approx(math.log(1.2)) and s[0] == pytest.approx(math.sqrt(1 / 120 + 1 / 100))
        assert math.isnan(y[1]) and math.isnan(s[1])


def _binomial_two_sided_half(k: int, n: int) -> float:
    """Two-sided exact binomial p-value against one half, summed by hand (the distribution is symmetric)."""
    tail = sum(math.comb(n, i) for i in range(max(k, n - k), n + 1)) / 2**n
    return min(1.0, 2 * tail)


class TestExactTests:
    def test_binomial_by_hand(self):
        assert stats.binomial_p(60, 100, 0.5) == pytest.approx(_binomial_two_sided_half(60, 100), rel=1e-9)
        assert stats.binomial_p(60, 100, 0.5) == pytest.approx(0.0569, abs=1e-4)
        assert stats.binomial_p(50, 100, 0.5) == pytest.approx(1.0)

    def test_binomial_clips_the_proportion_and_needs_trials(self):
        assert stats.binomial_p(3, 3, 1.5) == pytest.approx(1.0)  # read as a proportion of 1
        assert stats.binomial_p(0, 3, -0.2) == pytest.approx(1.0)  # read as 0
        with pytest.raises(ValueError):
            stats.binomial_p(0, 0, 0.5)

    def test_two_poisson_counts_by_hand(self):
        # 60 against 30: given 90 in all, 60 is binomial(90, 1/2) when the means are equal
        assert stats.poisson_counts_p(60, 30) == pytest.approx(_binomial_two_sided_half(60, 90), rel=1e-9)
        assert stats.poisson_counts_p(30, 60) == pytest.approx(stats.poisson_counts_p(60, 30))
        assert stats.poisson_counts_p(60, 30) < 0.05 < stats.poisson_counts_p(35, 30)
        assert stats.poisson_counts_p(0, 0) == 1.0

    def test_fisher_by_hand(self):
        # [[3, 1], [1, 3]]: margins 4 and 4 of 8, P(a = k) = C(4, k)^2 / 70; the two-sided p adds the
        # tables no more likely than the one seen (k = 0, 1, 3, 4): 34 / 70
        assert stats.fisher_p(3, 4, 1, 4) == pytest.approx(34 / 70)
        assert stats.fisher_p(2, 4, 2, 4) == pytest.approx(1.0)
        assert stats.fisher_p(60, 100, 20, 100) < 0.001
