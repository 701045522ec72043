// The deterministic CartPole the reinforcement-learning tests run on: gym's CartPole-v1 physics with fixed
// start states, cycling over 5 of them. It is the twin of scripts/fixtures/cartpole.py, written
// with the same products (no **), so both languages round alike and reproduce PyTorch's trajectories.
// reinforce.test.ts uses it as is (old gym API); dqn.test.ts wraps it in gymnasium's API.

/** gym's CartPole-v1 step(); reset(episode) starts from the episode's fixed state. */
export class CartPole {
  gravity = 9.8;
  masscart = 1.0;
  masspole = 0.1;
  length = 0.5;
  forceMag = 10.0;
  tau = 0.02;
  totalMass = this.masspole + this.masscart;
  polemassLength = this.masspole * this.length;
  thetaThreshold = (12 * 2 * Math.PI) / 360;
  xThreshold = 2.4;
  state: number[] = [];

  reset(episode: number): number[] {
    const k = episode % 5;
    this.state = [0.01 * (k - 2), 0.02 - 0.01 * k, 0.03 - 0.015 * k, 0.01 * (k - 1)];
    return this.state.slice();
  }

  /** -> [observation, reward, done] */
  step(action: number): [number[], number, boolean] {
    let [x, xDot, theta, thetaDot] = this.state;
    const force = action === 1 ? this.forceMag : -this.forceMag;
    const costheta = Math.cos(theta);
    const sintheta = Math.sin(theta);
    const temp = (force + this.polemassLength * (thetaDot * thetaDot) * sintheta) / this.totalMass;
    const thetaacc = (this.gravity * sintheta - costheta * temp) / (this.length * (4.0 / 3.0 - (this.masspole * (costheta * costheta)) / this.totalMass));
    const xacc = temp - (this.polemassLength * thetaacc * costheta) / this.totalMass;
    x = x + this.tau * xDot;
    xDot = xDot + this.tau * xacc;
    theta = theta + this.tau * thetaDot;
    thetaDot = thetaDot + this.tau * thetaacc;
    this.state = [x, xDot, theta, thetaDot];
    const done = x < -this.xThreshold || x > this.xThreshold || theta < -this.thetaThreshold || theta > this.thetaThreshold;
    return [this.state.slice(), 1.0, done];
  }
}
