//! Linear-chain CRF over per-second tags. burn has none, so here it is: transitions, start and end
//! scores as parameters; impossible moves masked by a large constant; the negative log-likelihood
//! by the forward algorithm in log space as tensor ops (so autodiff trains it); and, for inference
//! on one sequence, Viterbi and forward–backward marginals in f64 on the CPU.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};

/// Score added to a forbidden transition: exp(-1e4) is 0 in f32, and no path can pay it back.
pub const FORBIDDEN: f32 = -1.0e4;

#[derive(Module, Debug)]
pub struct Crf {
    /// transitions[i][j]: score of moving from tag i to tag j.
    pub transitions: Param<Tensor<2>>,
    pub start: Param<Tensor<1>>,
    pub end: Param<Tensor<1>>,
}

/// Plain copies of the CRF's scores with the constraints applied, for inference.
#[derive(Clone, Debug, PartialEq)]
pub struct CrfScores {
    pub transitions: Vec<Vec<f64>>,
    pub start: Vec<f64>,
    pub end: Vec<f64>,
}

impl Crf {
    pub fn new(tags: usize, device: &Device) -> Self {
        Crf {
            transitions: Param::from_tensor(Tensor::zeros([tags, tags], device)),
            start: Param::from_tensor(Tensor::zeros([tags], device)),
            end: Param::from_tensor(Tensor::zeros([tags], device)),
        }
    }

    pub fn tags(&self) -> usize {
        self.start.val().dims()[0]
    }

    /// Transitions with the forbidden moves (`allowed[i][j] == false`) masked.
    fn masked_transitions(&self, allowed: &[Vec<bool>]) -> Tensor<2> {
        let k = self.tags();
        let device = self.transitions.val().device();
        let penalty: Vec<f32> = allowed.iter().flatten().map(|&ok| if ok { 0.0 } else { FORBIDDEN }).collect();
        self.transitions.val() + Tensor::<2>::from_data(TensorData::new(penalty, [k, k]), &device)
    }

    /// Mean negative log-likelihood of the gold tags under the emissions `[batch, time, tags]`.
    /// `gold` is one-hot `[batch, time, tags]`. All sequences in a batch have the same length.
    pub fn nll(&self, emissions: Tensor<3>, gold: Tensor<3>, allowed: &[Vec<bool>]) -> Tensor<1> {
        let [b, t, k] = emissions.dims();
        let trans = self.masked_transitions(allowed);
        let start = self.start.val();
        let end = self.end.val();
        // log Z by the forward algorithm: alpha[b, j] = logsumexp_i(alpha[b, i] + trans[i, j]) + e[b, t, j].
        let step = |s: usize| emissions.clone().slice([0..b, s..s + 1, 0..k]).reshape([b, k]);
        let mut alpha = start.clone().unsqueeze::<2>() + step(0);
        for s in 1..t {
            let scores = alpha.unsqueeze_dim::<3>(2) + trans.clone().unsqueeze::<3>();
            alpha = logsumexp(scores, 1).reshape([b, k]) + step(s);
        }
        let log_z = logsumexp(alpha + end.clone().unsqueeze::<2>(), 1).reshape([b]);
        // Score of the gold path: emissions, transitions, start and end.
        let emit = (emissions * gold.clone()).sum_dim(2).sum_dim(1).reshape([b]);
        let mut path = emit;
        if t > 1 {
            let prev = gold.clone().slice([0..b, 0..t - 1, 0..k]).reshape([b * (t - 1), k]);
            let next = gold.clone().slice([0..b, 1..t, 0..k]).reshape([b * (t - 1), k]);
            let moves = (prev.matmul(trans) * next).sum_dim(1).reshape([b, t - 1]).sum_dim(1).reshape([b]);
            path = path + moves;
        }
        let first = gold.clone().slice([0..b, 0..1, 0..k]).reshape([b, k]);
        let last = gold.slice([0..b, t - 1..t, 0..k]).reshape([b, k]);
        path = path + (first * start.unsqueeze::<2>()).sum_dim(1).reshape([b]) + (last * end.unsqueeze::<2>()).sum_dim(1).reshape([b]);
        (log_z - path).mean()
    }

    /// The scores as plain numbers (constraints applied) for [`viterbi`] and [`marginals`].
    pub fn scores(&self, allowed: &[Vec<bool>]) -> CrfScores {
        let k = self.tags();
        let to_vec = |t: Tensor<1>| t.into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 tensor");
        let trans = to_vec(self.masked_transitions(allowed).reshape([k * k]));
        CrfScores {
            transitions: trans.chunks(k).map(|r| r.iter().map(|&x| x as f64).collect()).collect(),
            start: to_vec(self.start.val()).into_iter().map(f64::from).collect(),
            end: to_vec(self.end.val()).into_iter().map(f64::from).collect(),
        }
    }
}

/// log Σ exp over `dim`, keeping the dimension (max-shifted; the shift is detached, which does not
/// change the gradient: d/dx = softmax either way).
pub fn logsumexp<const D: usize>(x: Tensor<D>, dim: usize) -> Tensor<D> {
    let m = x.clone().max_dim(dim).detach();
    (x - m.clone()).exp().sum_dim(dim).log() + m
}

fn lse(values: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.collect();
    let m = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY {
        return m;
    }
    m + v.iter().map(|x| (x - m).exp()).sum::<f64>().ln()
}

/// The highest-scoring tag path for one sequence of emissions (`[time][tag]`).
pub fn viterbi(emissions: &[Vec<f64>], s: &CrfScores) -> Vec<usize> {
    let (t_len, k) = (emissions.len(), s.start.len());
    if t_len == 0 {
        return Vec::new();
    }
    let mut score: Vec<f64> = (0..k).map(|j| s.start[j] + emissions[0][j]).collect();
    let mut back = vec![vec![0usize; k]; t_len];
    for t in 1..t_len {
        let mut next = vec![f64::NEG_INFINITY; k];
        for j in 0..k {
            for i in 0..k {
                let v = score[i] + s.transitions[i][j];
                if v > next[j] {
                    next[j] = v;
                    back[t][j] = i;
                }
            }
            next[j] += emissions[t][j];
        }
        score = next;
    }
    let mut best = (0..k).max_by(|&a, &b| (score[a] + s.end[a]).total_cmp(&(score[b] + s.end[b]))).unwrap_or(0);
    let mut path = vec![0; t_len];
    for t in (0..t_len).rev() {
        path[t] = best;
        best = back[t][best];
    }
    path
}

/// log Z of one sequence (forward algorithm in f64): the reference for the tensor version.
pub fn log_partition(emissions: &[Vec<f64>], s: &CrfScores) -> f64 {
    forward(emissions, s).last().map_or(0.0, |a| lse(a.iter().zip(&s.end).map(|(x, e)| x + e)))
}

fn forward(emissions: &[Vec<f64>], s: &CrfScores) -> Vec<Vec<f64>> {
    let k = s.start.len();
    let mut alpha: Vec<Vec<f64>> = Vec::with_capacity(emissions.len());
    for (t, e) in emissions.iter().enumerate() {
        let row = if t == 0 {
            (0..k).map(|j| s.start[j] + e[j]).collect()
        } else {
            let prev = &alpha[t - 1];
            (0..k).map(|j| lse((0..k).map(|i| prev[i] + s.transitions[i][j])) + e[j]).collect()
        };
        alpha.push(row);
    }
    alpha
}

/// Per-second tag marginals P(tag_t = j | emissions) by forward–backward; each row sums to 1.
pub fn marginals(emissions: &[Vec<f64>], s: &CrfScores) -> Vec<Vec<f64>> {
    let (t_len, k) = (emissions.len(), s.start.len());
    if t_len == 0 {
        return Vec::new();
    }
    let alpha = forward(emissions, s);
    let mut beta = vec![vec![0.0; k]; t_len];
    beta[t_len - 1] = s.end.clone();
    for t in (0..t_len - 1).rev() {
        for i in 0..k {
            beta[t][i] = lse((0..k).map(|j| s.transitions[i][j] + emissions[t + 1][j] + beta[t + 1][j]));
        }
    }
    let log_z = lse((0..k).map(|j| alpha[t_len - 1][j] + s.end[j]));
    (0..t_len).map(|t| (0..k).map(|j| (alpha[t][j] + beta[t][j] - log_z).exp()).collect()).collect()
}

/// Score of one given path (for brute-force checks).
pub fn path_score(emissions: &[Vec<f64>], s: &CrfScores, path: &[usize]) -> f64 {
    let mut v = s.start[path[0]] + s.end[*path.last().expect("non-empty path")];
    for (t, &j) in path.iter().enumerate() {
        v += emissions[t][j];
        if t > 0 {
            v += s.transitions[path[t - 1]][j];
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_paths(t: usize, k: usize) -> Vec<Vec<usize>> {
        (0..k.pow(t as u32)).map(|mut n| (0..t).map(|_| { let d = n % k; n /= k; d }).collect()).collect()
    }

    fn random_case(seed: u64, t: usize, k: usize) -> (Vec<Vec<f64>>, CrfScores) {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 33) as f64 / (1u64 << 31) as f64) * 4.0 - 2.0
        };
        let em = (0..t).map(|_| (0..k).map(|_| next()).collect()).collect();
        let transitions = (0..k).map(|_| (0..k).map(|_| next()).collect()).collect();
        let s = CrfScores { transitions, start: (0..k).map(|_| next()).collect(), end: (0..k).map(|_| next()).collect() };
        (em, s)
    }

    #[test]
    fn viterbi_is_the_brute_force_argmax() {
        for seed in 0..20 {
            let (em, s) = random_case(seed, 5, 3);
            let best = all_paths(5, 3).into_iter().max_by(|a, b| path_score(&em, &s, a).total_cmp(&path_score(&em, &s, b))).unwrap();
            assert_eq!(viterbi(&em, &s), best, "seed {seed}");
        }
    }

    #[test]
    fn partition_and_marginals_match_enumeration() {
        for seed in 0..10 {
            let (em, s) = random_case(seed, 4, 3);
            let paths = all_paths(4, 3);
            let scores: Vec<f64> = paths.iter().map(|p| path_score(&em, &s, p)).collect();
            let log_z = lse(scores.iter().copied());
            assert!((log_partition(&em, &s) - log_z).abs() < 1e-9);
            let m = marginals(&em, &s);
            for t in 0..4 {
                assert!((m[t].iter().sum::<f64>() - 1.0).abs() < 1e-9);
                for j in 0..3 {
                    let p: f64 = paths.iter().zip(&scores).filter(|(p, _)| p[t] == j).map(|(_, v)| (v - log_z).exp()).sum();
                    assert!((m[t][j] - p).abs() < 1e-9, "seed {seed} t {t} tag {j}: {} vs {p}", m[t][j]);
                }
            }
        }
    }

    /// A CRF holding the given scores, on `device`.
    fn crf_with(s: &CrfScores, device: &Device) -> Crf {
        let k = s.start.len();
        let flat: Vec<f32> = s.transitions.iter().flatten().map(|&x| x as f32).collect();
        let vec1 = |v: &[f64]| Tensor::<1>::from_data(TensorData::new(v.iter().map(|&x| x as f32).collect::<Vec<f32>>(), [k]), device);
        Crf {
            transitions: Param::from_tensor(Tensor::from_data(TensorData::new(flat, [k, k]), device)),
            start: Param::from_tensor(vec1(&s.start)),
            end: Param::from_tensor(vec1(&s.end)),
        }
    }

    fn tensors(em: &[Vec<f64>], gold: &[usize], k: usize, device: &Device) -> (Tensor<3>, Tensor<3>) {
        let t = em.len();
        let e: Vec<f32> = em.iter().flatten().map(|&x| x as f32).collect();
        let mut g = vec![0f32; t * k];
        for (i, &y) in gold.iter().enumerate() {
            g[i * k + y] = 1.0;
        }
        (Tensor::from_data(TensorData::new(e, [1, t, k]), device), Tensor::from_data(TensorData::new(g, [1, t, k]), device))
    }

    fn all_allowed(k: usize) -> Vec<Vec<bool>> {
        vec![vec![true; k]; k]
    }

    #[test]
    fn tensor_nll_equals_brute_force_enumeration() {
        let device = crate::encoder::burn_device();
        for seed in 0..6 {
            let (em, s) = random_case(seed, 5, 3);
            let gold: Vec<usize> = (0..5).map(|i| (i + seed as usize) % 3).collect();
            let log_z = lse(all_paths(5, 3).iter().map(|p| path_score(&em, &s, p)));
            let expected = log_z - path_score(&em, &s, &gold);
            let (e, g) = tensors(&em, &gold, 3, &device);
            let got = crf_with(&s, &device).nll(e, g, &all_allowed(3)).into_scalar::<f32>() as f64;
            assert!((got - expected).abs() < 1e-4, "seed {seed}: {got} vs {expected}");
        }
        // A batch of two is the mean of the two.
        let (em1, s) = random_case(1, 4, 3);
        let (em2, _) = random_case(2, 4, 3);
        let nll = |em: &[Vec<f64>], gold: &[usize]| lse(all_paths(4, 3).iter().map(|p| path_score(em, &s, p))) - path_score(em, &s, gold);
        let (g1, g2) = (vec![0, 1, 1, 2], vec![2, 2, 0, 1]);
        let (e1, t1) = tensors(&em1, &g1, 3, &device);
        let (e2, t2) = tensors(&em2, &g2, 3, &device);
        let got = crf_with(&s, &device).nll(Tensor::cat(vec![e1, e2], 0), Tensor::cat(vec![t1, t2], 0), &all_allowed(3)).into_scalar::<f32>() as f64;
        assert!((got - (nll(&em1, &g1) + nll(&em2, &g2)) / 2.0).abs() < 1e-4);
    }

    #[test]
    fn crf_gradients_match_finite_differences() {
        let device = crate::encoder::burn_device().autodiff();
        let (em, s) = random_case(11, 4, 3);
        let gold = vec![0, 2, 2, 1];
        let reference = |em: &[Vec<f64>], s: &CrfScores| log_partition(em, s) - path_score(em, s, &gold);
        let crf = crf_with(&s, &device);
        let (e, g) = tensors(&em, &gold, 3, &device);
        let e = e.require_grad();
        let grads = crf.nll(e.clone(), g, &all_allowed(3)).backward();
        let d_em: Vec<f32> = e.grad(&grads).expect("emission gradient").into_data().convert::<f32>().try_to_vec::<f32>().unwrap();
        let d_tr: Vec<f32> = crf.transitions.val().grad(&grads).expect("transition gradient").into_data().convert::<f32>().try_to_vec::<f32>().unwrap();
        let h = 1e-5;
        for t in 0..4 {
            for j in 0..3 {
                let (mut up, mut down) = (em.clone(), em.clone());
                up[t][j] += h;
                down[t][j] -= h;
                let fd = (reference(&up, &s) - reference(&down, &s)) / (2.0 * h);
                assert!((d_em[t * 3 + j] as f64 - fd).abs() < 1e-3, "d/d emission[{t}][{j}]: {} vs {fd}", d_em[t * 3 + j]);
            }
        }
        for i in 0..3 {
            for j in 0..3 {
                let (mut up, mut down) = (s.clone(), s.clone());
                up.transitions[i][j] += h;
                down.transitions[i][j] -= h;
                let fd = (reference(&em, &up) - reference(&em, &down)) / (2.0 * h);
                assert!((d_tr[i * 3 + j] as f64 - fd).abs() < 1e-3, "d/d transition[{i}][{j}]: {} vs {fd}", d_tr[i * 3 + j]);
            }
        }
    }

    #[test]
    fn forbidden_moves_never_appear_in_the_best_path() {
        let (em, mut s) = random_case(3, 6, 3);
        for i in 0..3 {
            s.transitions[i][1] += FORBIDDEN as f64; // nothing may enter tag 1 …
        }
        s.start[1] += FORBIDDEN as f64; // … nor start in it
        assert!(!viterbi(&em, &s).contains(&1));
        assert!(marginals(&em, &s).iter().all(|row| row[1] < 1e-12));
    }
}
