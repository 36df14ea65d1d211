"""The time zones people choose from, for the patient's Settings and the therapist's invite.

Stored values are IANA names. The list offers one canonical name per zone, labelled by city
and country ("Kolkata (India)"), grouped by region, with the person's own zone first; the
tz database's backward-compatible aliases (Asia/Calcutta, US/Eastern) are not offered, but
one already stored stays selectable and is shown under its own name.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ZONES_FILE = Path(__file__).resolve().parent / "content" / "timezones.yaml"
UTC = "UTC"

# The first part of a zone's name, as a group of the list.
REGIONS: dict[str, Promise] = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}

Choices = list[tuple[str, str]]
GroupedChoices = list[tuple[str | Promise, Choices]]


@dataclass(frozen=True)
class Zone:
    name: str
    country: str

    @property
    def region(self) -> str:
        return self.name.split("/", 1)[0]

    @property
    def city(self) -> str:
        return self.name.rsplit("/", 1)[-1].replace("_", " ")

    @property
    def label(self) -> str:
        return f"{self.city} ({self.country})"


@cache
def canonical_zones() -> dict[str, Zone]:
    """Every zone of the list, by name; one the server's tz database lacks is left out."""
    with ZONES_FILE.open(encoding="utf-8") as stream:
        countries: dict[str, str] = yaml.safe_load(stream)
    known = zoneinfo.available_timezones()
    zones = (Zone(name, country) for name, country in countries.items() if name in known)
    return {zone.name: zone for zone in sorted(zones, key=lambda zone: (zone.region, zone.city))}


def zone_label(name: str) -> str:
    """City and country for a zone of the list; any other name (an alias) as it is."""
    zone = canonical_zones().get(name)
    return zone.label if zone is not None else name.replace("_", " ")


@cache
def _regional_choices() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for zone in canonical_zones().values():
        groups.setdefault(zone.region, []).append((zone.name, zone.label))
    return tuple((region, tuple(options)) for region, options in groups.items())


def timezone_choices(
    *, first: str | None = None, first_label: str | Promise = ""
) -> GroupedChoices:
    """Choices in groups for a <select> with optgroups: ``first`` (the person's own zone) on
    top under ``first_label``, then each region's zones by city, then UTC. No zone twice."""
    choices: GroupedChoices = []
    if first:
        choices.append((first_label or _("Your time zone"), [(first, zone_label(first))]))
    for region, options in _regional_choices():
        kept = [option for option in options if option[0] != first]
        if kept:
            choices.append((REGIONS.get(region, region), kept))
    if first != UTC:
        choices.append((_("Other"), [(UTC, _("UTC (Coordinated Universal Time)"))]))
    return choices


def is_offered(name: str) -> bool:
    return name == UTC or name in canonical_zones()
