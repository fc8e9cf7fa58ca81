"""A notebook-first lab for language-conditioned behaviour: diverse behaviours in small worlds, described in words, learned by transformers, checked against what the words asked.

Modules:

- `lcdt.control.carracing`: A scripted CarRacing driver (pure pursuit along the track's own centre line), its episodes as a local Minari dataset of 64 × 64 frames, and a decision transformer (and its BC twin) on those frames through a small CNN, scored over 20 other tracks.
- `lcdt.control.d4rl`: Hopper datasets made here in D4RL's image: a Stable-Baselines3 SAC policy whose actor is kept as safetensors, random / medium / expert / medium-expert episodes recorded as local Minari datasets with their cards, and D4RL's normalized score.
- `lcdt.control.rcdt`: A return-conditioned decision transformer over continuous observations and actions on the lab's trunk, the same model without returns as the behaviour-cloning baseline, rollouts in the real environment with the target return swept, and the `lcdt-rcdt` experiment on the local Hopper datasets."""

__version__ = "0.0.1"

# Hand-written (nbdev only rewrites `__version__` above). Importing lcdt stays cheap: no torch, no gymnasium.
# `lcdt-gymnasium.pth` (installed with the package) runs `import lcdt` at interpreter start, so
# `gymnasium.make('lcdt/Nav-v0')` works in a fresh process: the ids are registered when gymnasium is imported.
import sys

ENVS = (  # Gymnasium id, entry point, max_episode_steps
    ("lcdt/Nav-v0", "lcdt.nav.env:NavEnv", 400),
    ("lcdt/Gold-v0", "lcdt.gold.env:GoldEnv", 200),
)


def register_envs():
    "Register lcdt's Gymnasium environments by id (again is a no-op); their modules load only when `make` asks."
    import gymnasium as gym

    for env_id, entry, steps in ENVS:
        if env_id not in gym.registry:
            gym.register(id=env_id, entry_point=entry, max_episode_steps=steps)


class _Loader:
    "Gymnasium's own loader, then `register_envs` once it has run."

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        self.loader.exec_module(module)
        module.__loader__ = module.__spec__.loader = self.loader  # nothing downstream sees this wrapper
        register_envs()


class _AfterGymnasium:
    "Meta path finder that waits for the first `import gymnasium`, then registers lcdt's ids (a post-import hook)."

    def find_spec(self, name, path=None, target=None):
        if name != 'gymnasium':
            return None
        import importlib.util

        if self in sys.meta_path:
            sys.meta_path.remove(self)  # one shot; the other finders locate gymnasium
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None and hasattr(spec.loader, 'exec_module'):
            spec.loader = _Loader(spec.loader)
        return spec


def _hook_gymnasium():
    if 'gymnasium' in sys.modules:
        register_envs()
    elif not any(isinstance(f, _AfterGymnasium) for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterGymnasium())


_hook_gymnasium()


def load(run_dir, device: str | None = None):
    "The trained LCDT and its tokenizer from a navigation run directory (or its `model/` checkpoint), in eval mode."
    from lcdt.dt import evaluate

    loader = getattr(evaluate, 'load_run_model', None) or evaluate.load_checkpoint  # the dt line's loader
    return loader(run_dir, device)
