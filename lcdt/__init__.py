__version__ = "0.0.1"

def _register_envs():
    "Register lcdt's Gymnasium environments by id; their modules load only when `gymnasium.make` asks."
    import gymnasium as gym
    for env_id, entry, steps in [("lcdt/Nav-v0", "lcdt.nav.env:NavEnv", 400),
                                 ("lcdt/Gold-v0", "lcdt.gold.env:GoldEnv", 200)]:
        if env_id not in gym.registry: gym.register(id=env_id, entry_point=entry, max_episode_steps=steps)

_register_envs()
