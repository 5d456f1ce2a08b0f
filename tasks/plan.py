"""What a cycle needs from its config, every part checked: loaded before anything starts, so a
mistake is one line naming its file and line, never a traceback half-way through a cycle.
Free of Prefect: `newsmon serve` validates with it before it sets up Prefect's environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alerts.channels import Channel, build_channels
from alerts.deliver import Policy
from alerts.rules import ResolvedRule, resolve_rules
from newsmon.config import Config, load_config
from tasks.classify import Classifier
from warehouse import default_path
from warehouse.label_key import label_key


@dataclass(frozen=True)
class CyclePlan:
    """What a cycle needs from its config, every part of it validated."""

    config: Config
    classifier: Classifier
    rules: list[ResolvedRule]
    channels: list[Channel]
    warehouse_path: Path

    @property
    def policy(self) -> Policy:
        return delivery_policy(self.config)


@dataclass(frozen=True)
class DeliveryPlan:
    """What a delivery needs: channels, policy, warehouse. No classifier: sending what is owed
    reads no article, so a delivery starts without loading the catalog."""

    config: Config
    channels: list[Channel]
    warehouse_path: Path

    @property
    def policy(self) -> Policy:
        return delivery_policy(self.config)


def delivery_policy(config: Config) -> Policy:
    return Policy(config.max_attempts, {r.name: r.timing(config.quiet_hours) for r in config.rules},
                  config.service.timezone)


def plan_cycle(config_path: str | None = None, db_path: str | None = None) -> CyclePlan:
    """Load and check the config, catalog, rules and channels. Raises ConfigError, naming
    the file and line, before anything is fetched; callers run it first to fail fast."""
    config = load_config(config_path)
    classifier = Classifier.load(config.catalog_files)
    rules = resolve_rules(config.rules, classifier, config.rule_lines, str(config.path),
                          list(config.named_channels), {s.id: s.tags for s in config.sources},
                          config.quiet_hours)
    warehouse_path = Path(db_path) if db_path else default_path()
    return CyclePlan(config, classifier, rules, _channels(config, warehouse_path), warehouse_path)


def plan_delivery(config_path: str | None = None, db_path: str | None = None) -> DeliveryPlan:
    """The config and channels a delivery needs, checked; ConfigError names file and line."""
    config = load_config(config_path)
    warehouse_path = Path(db_path) if db_path else default_path()
    return DeliveryPlan(config, _channels(config, warehouse_path), warehouse_path)


def _channels(config: Config, warehouse_path: Path) -> list[Channel]:
    return build_channels(config.channels, key=label_key(warehouse_path),
                          named=config.named_channels, max_per_hour=config.max_per_hour,
                          caps=config.channel_caps)
