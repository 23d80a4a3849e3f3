//! How a simulated phone moves: a resting attitude with hand tremor, and occasional bursts of
//! motion (a shake, a fall onto a table, a twirl) lasting a few seconds, turned into what the
//! phone's sensors would read in its own frame (Android axes: z out of the screen).
//!
//! Owns the physics only; it must not know about JSON, batches or time stamps.

use std::f64::consts::{PI, TAU};

use rand::rngs::StdRng;
use rand::Rng;

/// Standard gravity, m/s².
pub(crate) const G: f64 = 9.80665;

/// The Earth's field in the world frame (x east, y north, z up), µT: mid-latitude, pointing
/// north and down.
const EARTH_FIELD: [f64; 3] = [0.0, 19.6, -44.2];

/// Mean seconds between bursts of motion.
const MEAN_BURST_GAP_S: f64 = 12.0;

pub(crate) type Vec3 = [f64; 3];

/// What the sensors see at one instant, in the device frame.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SensorFrame {
    /// Acceleration with gravity removed, m/s².
    pub user_acceleration: Vec3,
    /// Angular velocity, rad/s.
    pub rotation_rate: Vec3,
    /// Gravity as the device sees it (≈ +9.81 on z lying face up), m/s².
    pub gravity: Vec3,
    /// Magnetic field, µT.
    pub magnetic_field: Vec3,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BurstKind {
    /// Shaken back and forth by hand.
    Shake {
        axis: Vec3,
        freq_hz: f64,
        amplitude: f64,
    },
    /// Dropped: free fall, an impact, a few bounces, then still at a new attitude.
    Fall {
        tumble: Vec3,
        fall_s: f64,
        impact: Vec3,
        settle: Vec3,
    },
    /// Twirled about the screen normal.
    Spin { rate: f64 },
}

#[derive(Debug, Clone, Copy)]
struct Burst {
    kind: BurstKind,
    elapsed_s: f64,
    duration_s: f64,
}

/// One phone's motion state.
#[derive(Debug, Clone)]
pub(crate) struct Motion {
    /// Roll, pitch, yaw (rad).
    attitude: Vec3,
    /// The attitude the phone rests at between bursts.
    rest: Vec3,
    burst: Option<Burst>,
    /// Slowly wandering tremor rates, rad/s.
    tremor: Vec3,
}

/// A standard normal sample (Box–Muller).
pub(crate) fn gaussian(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.gen_range(f64::EPSILON..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (TAU * u2).cos()
}

pub(crate) fn noise3(rng: &mut StdRng, sigma: f64) -> Vec3 {
    [
        sigma * gaussian(rng),
        sigma * gaussian(rng),
        sigma * gaussian(rng),
    ]
}

fn unit(rng: &mut StdRng) -> Vec3 {
    let v = noise3(rng, 1.0);
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt().max(1e-9);
    [v[0] / n, v[1] / n, v[2] / n]
}

fn scale(v: Vec3, k: f64) -> Vec3 {
    [v[0] * k, v[1] * k, v[2] * k]
}

pub(crate) fn add(a: Vec3, b: Vec3) -> Vec3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// A world-frame vector in the device frame for attitude (roll φ, pitch θ, yaw ψ), with
/// R = Rz(ψ)·Ry(θ)·Rx(φ): returns Rᵀ·v.
fn to_device(attitude: Vec3, v: Vec3) -> Vec3 {
    let (sr, cr) = attitude[0].sin_cos();
    let (sp, cp) = attitude[1].sin_cos();
    let (sy, cy) = attitude[2].sin_cos();
    let a = [cy * v[0] + sy * v[1], -sy * v[0] + cy * v[1], v[2]];
    let b = [cp * a[0] - sp * a[2], a[1], sp * a[0] + cp * a[2]];
    [b[0], cr * b[1] + sr * b[2], -sr * b[1] + cr * b[2]]
}

/// 0 → 1 → 0 over a burst, so motion starts and ends smoothly.
fn envelope(elapsed_s: f64, duration_s: f64) -> f64 {
    (PI * (elapsed_s / duration_s).clamp(0.0, 1.0)).sin()
}

impl Motion {
    /// A phone lying roughly flat, face up, pointing somewhere.
    pub(crate) fn new(rng: &mut StdRng) -> Self {
        let rest = [
            0.08 * gaussian(rng),
            0.08 * gaussian(rng),
            rng.gen_range(-PI..PI),
        ];
        Motion {
            attitude: rest,
            rest,
            burst: None,
            tremor: [0.0; 3],
        }
    }

    /// Whether a burst of motion is under way.
    #[cfg(test)]
    pub(crate) fn in_burst(&self) -> bool {
        self.burst.is_some()
    }

    fn start_burst(&mut self, rng: &mut StdRng) {
        let kind = match rng.gen_range(0..3) {
            0 => BurstKind::Shake {
                axis: unit(rng),
                freq_hz: rng.gen_range(3.0..6.0),
                amplitude: rng.gen_range(8.0..22.0),
            },
            1 => BurstKind::Fall {
                tumble: scale(unit(rng), rng.gen_range(3.0..9.0)),
                fall_s: rng.gen_range(0.3..0.55),
                impact: scale(unit(rng), rng.gen_range(30.0..65.0)),
                settle: [
                    if rng.gen_bool(0.3) { PI } else { 0.0 } + 0.1 * gaussian(rng),
                    0.1 * gaussian(rng),
                    rng.gen_range(-PI..PI),
                ],
            },
            _ => BurstKind::Spin {
                rate: if rng.gen_bool(0.5) { 1.0 } else { -1.0 } * rng.gen_range(4.0..9.0),
            },
        };
        let duration_s = match kind {
            BurstKind::Shake { .. } => rng.gen_range(2.0..4.5),
            BurstKind::Fall { fall_s, .. } => fall_s + rng.gen_range(1.0..2.0),
            BurstKind::Spin { .. } => rng.gen_range(1.5..3.0),
        };
        self.burst = Some(Burst {
            kind,
            elapsed_s: 0.0,
            duration_s,
        });
    }

    /// Advances by `dt_s` seconds and returns what the sensors read (without sensor noise).
    pub(crate) fn step(&mut self, dt_s: f64, rng: &mut StdRng) -> SensorFrame {
        if self.burst.is_none() && rng.gen_bool((dt_s / MEAN_BURST_GAP_S).clamp(0.0, 1.0)) {
            self.start_burst(rng);
        }
        // Hand tremor: a slowly wandering rate, pulled back towards the resting attitude.
        for i in 0..3 {
            self.tremor[i] = 0.97 * self.tremor[i] + 0.004 * gaussian(rng);
        }
        let mut rate = [0.0; 3];
        for (i, r) in rate.iter_mut().enumerate() {
            *r = self.tremor[i] - 0.8 * wrap(self.attitude[i] - self.rest[i]);
        }
        let mut user = [0.0; 3];
        let mut free_fall = false;
        if let Some(burst) = &mut self.burst {
            burst.elapsed_s += dt_s;
            let t = burst.elapsed_s;
            let env = envelope(t, burst.duration_s);
            match burst.kind {
                BurstKind::Shake {
                    axis,
                    freq_hz,
                    amplitude,
                } => {
                    let phase = TAU * freq_hz * t;
                    user = add(user, scale(axis, amplitude * env * phase.sin()));
                    let twist = [axis[1], -axis[0], axis[2] * 0.3];
                    rate = add(rate, scale(twist, 0.25 * amplitude * env * phase.cos()));
                }
                BurstKind::Fall {
                    tumble,
                    fall_s,
                    impact,
                    settle,
                } => {
                    if t < fall_s {
                        free_fall = true;
                        rate = add(rate, tumble);
                    } else {
                        let after = t - fall_s;
                        // An impact of ~40 ms, then bounces ringing down.
                        let ring = (-after / 0.12).exp();
                        let knock = if after < 0.04 {
                            1.0
                        } else {
                            0.25 * ring * (TAU * 9.0 * after).sin()
                        };
                        user = add(user, scale(impact, knock));
                        rate = add(rate, scale(tumble, -ring * (TAU * 6.0 * after).cos()));
                        self.rest = settle;
                    }
                }
                BurstKind::Spin { rate: spin } => {
                    rate[2] += spin * env;
                    // Held off-centre: a little centripetal pull.
                    user = add(user, [0.04 * spin * spin * env, 0.0, 0.0]);
                }
            }
            if burst.elapsed_s >= burst.duration_s {
                self.burst = None;
            }
        }
        for (a, r) in self.attitude.iter_mut().zip(rate) {
            *a = wrap(*a + r * dt_s);
        }
        let gravity = to_device(self.attitude, [0.0, 0.0, G]);
        if free_fall {
            // In free fall the accelerometer reads nothing: user acceleration cancels gravity.
            user = scale(gravity, -1.0);
        }
        SensorFrame {
            user_acceleration: user,
            rotation_rate: rate,
            gravity,
            magnetic_field: to_device(self.attitude, EARTH_FIELD),
        }
    }
}

/// An angle in (-π, π].
fn wrap(a: f64) -> f64 {
    let w = (a + PI).rem_euclid(TAU) - PI;
    if w <= -PI {
        w + TAU
    } else {
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn norm(v: Vec3) -> f64 {
        (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt()
    }

    #[test]
    fn resting_phone_sees_gravity_on_z_and_tens_of_microtesla() {
        let mut rng = StdRng::seed_from_u64(1);
        let mut m = Motion::new(&mut rng);
        m.burst = None;
        let f = m.step(0.02, &mut rng);
        assert!((norm(f.gravity) - G).abs() < 1e-9);
        assert!(f.gravity[2] > 9.0, "{:?}", f.gravity);
        assert!((norm(f.magnetic_field) - norm(EARTH_FIELD)).abs() < 1e-9);
        assert!(norm(f.user_acceleration) < 1.0);
    }

    #[test]
    fn rotation_keeps_lengths() {
        let v = to_device([0.3, -1.1, 2.0], [1.0, 2.0, 3.0]);
        assert!((norm(v) - 14f64.sqrt()).abs() < 1e-12);
        assert_eq!(to_device([0.0; 3], [1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]);
    }

    #[test]
    fn bursts_happen_and_move_hard() {
        let mut rng = StdRng::seed_from_u64(7);
        let mut m = Motion::new(&mut rng);
        let (mut peak_acc, mut peak_rate, mut in_burst) = (0f64, 0f64, 0);
        for _ in 0..(120 * 50) {
            let f = m.step(0.02, &mut rng);
            peak_acc = peak_acc.max(norm(f.user_acceleration));
            peak_rate = peak_rate.max(norm(f.rotation_rate));
            in_burst += usize::from(m.in_burst());
        }
        assert!(peak_acc > 8.0, "{peak_acc}");
        assert!(peak_rate > 2.0, "{peak_rate}");
        assert!(in_burst > 50 && in_burst < 120 * 50 / 2, "{in_burst}");
    }

    #[test]
    fn angles_wrap() {
        assert!((wrap(3.0 * PI) - PI).abs() < 1e-12);
        assert!((wrap(-PI) - PI).abs() < 1e-12);
        assert!((wrap(0.5) - 0.5).abs() < 1e-12);
    }
}
