"""Per-queue demand parameters of the synthetic center: daily level, weekly and intraday shape,
sensitivity to the calendar (holidays, flu season, open enrollment) and to discharges, and AHT.

The sample center's eight queues have hand-set profiles; any other queue gets a default from
its channel and opening hours, so `generate_history` works for any center configuration.
"""

from __future__ import annotations

from dataclasses import dataclass

from wfm.center import Channel, Queue

__all__ = ["QueueProfile", "profile_for"]


@dataclass(frozen=True)
class QueueProfile:
    """How one queue's demand behaves.

    Attributes:
        daily_contacts: mean contacts on an ordinary Tuesday-Thursday before trend and season.
        weekday_factor: daily-total multiplier per weekday (0 = Monday); closed days ignored.
        bumps: intraday shape as Gaussian bumps (centre_h, width_h, weight) over local hours.
        weekend_bumps: intraday bumps on Saturday and Sunday (None = same as weekdays).
        floor: shape value far from any bump (the night tail of a 24/7 queue).
        monday_am_boost_frac: extra weight before noon on Mondays.
        friday_pm_drop_frac: weight removed after 13:00 on Fridays.
        season_amp_frac: winter-high yearly cosine amplitude.
        summer_dip_frac: depth of the August dip (vacations).
        major_holiday_factor: daily multiplier on major US holidays.
        minor_holiday_factor: daily multiplier on minor ones (MLK, Presidents, Columbus, ...).
        flu_sensitivity: share of the flu season's intensity this queue feels.
        enrollment_sensitivity: lift during open enrollment.
        discharge_per_discharge: contacts per discharge, spread over the lag profile.
        aht_hour_amp_frac: AHT cosine amplitude over the day.
        aht_peak_h: local hour with the longest AHT.
        daily_noise_frac: log-normal day-to-day noise (over-dispersion beyond Poisson).
        lunch_dip: a Gaussian dip (centre_h, width_h, depth) subtracted around lunchtime.
    """

    daily_contacts: float
    weekday_factor: tuple[float, ...] = (1.12, 1.0, 0.98, 0.97, 0.92, 0.35, 0.3)
    bumps: tuple[tuple[float, float, float], ...] = ((10.0, 1.4, 1.0), (14.5, 1.8, 0.75))
    weekend_bumps: tuple[tuple[float, float, float], ...] | None = None
    floor: float = 0.12
    monday_am_boost_frac: float = 0.2
    friday_pm_drop_frac: float = 0.2
    season_amp_frac: float = 0.05
    summer_dip_frac: float = 0.05
    major_holiday_factor: float = 0.06
    minor_holiday_factor: float = 0.8
    flu_sensitivity: float = 0.0
    enrollment_sensitivity: float = 0.0
    discharge_per_discharge: float = 0.0
    aht_hour_amp_frac: float = 0.06
    aht_peak_h: float = 15.0
    daily_noise_frac: float = 0.06
    lunch_dip: tuple[float, float, float] = (12.4, 0.55, 0.15)


SAMPLE_PROFILES: dict[str, QueueProfile] = {
    "sched_voice": QueueProfile(
        daily_contacts=1200,
        weekday_factor=(1.18, 1.02, 0.98, 0.96, 0.88, 0.32, 0.0),
        bumps=((9.6, 1.3, 1.0), (14.2, 1.7, 0.72)),
        flu_sensitivity=0.3,
        season_amp_frac=0.06,
    ),
    "triage_voice": QueueProfile(
        daily_contacts=330,
        weekday_factor=(1.12, 1.0, 0.98, 0.98, 1.02, 1.12, 1.18),
        bumps=((9.5, 2.0, 0.85), (19.5, 2.4, 1.15)),
        weekend_bumps=((11.0, 3.0, 1.0), (19.0, 2.6, 1.15)),
        floor=0.22,
        monday_am_boost_frac=0.1,
        friday_pm_drop_frac=0.0,
        season_amp_frac=0.08,
        summer_dip_frac=0.0,
        major_holiday_factor=1.35,
        minor_holiday_factor=1.05,
        flu_sensitivity=1.0,
        discharge_per_discharge=0.3,
        aht_hour_amp_frac=0.1,
        aht_peak_h=3.0,
        lunch_dip=(12.4, 0.55, 0.0),
    ),
    "billing_voice": QueueProfile(
        daily_contacts=450,
        bumps=((10.3, 1.5, 1.0), (14.8, 1.6, 0.8)),
        season_amp_frac=0.03,
        enrollment_sensitivity=0.32,
        minor_holiday_factor=0.7,
        aht_hour_amp_frac=0.08,
        aht_peak_h=16.0,
    ),
    "pharmacy_voice": QueueProfile(
        daily_contacts=400,
        weekday_factor=(1.15, 1.02, 1.0, 0.98, 0.95, 0.5, 0.35),
        bumps=((10.2, 1.9, 1.0), (16.5, 2.0, 0.65)),
        flu_sensitivity=0.25,
        major_holiday_factor=0.25,
        aht_hour_amp_frac=0.05,
    ),
    "outreach_voice": QueueProfile(
        daily_contacts=22,
        weekday_factor=(1.1, 1.0, 1.0, 1.0, 0.95, 0.45, 0.0),
        bumps=((10.8, 1.6, 1.0), (16.5, 1.8, 0.85)),
        friday_pm_drop_frac=0.1,
        season_amp_frac=0.0,
        summer_dip_frac=0.0,
        major_holiday_factor=0.1,
        minor_holiday_factor=0.9,
        discharge_per_discharge=1.25,
        aht_hour_amp_frac=0.05,
    ),
    "sched_chat": QueueProfile(
        daily_contacts=330,
        weekday_factor=(1.12, 1.02, 1.0, 0.97, 0.9, 0.0, 0.0),
        bumps=((10.8, 1.6, 1.0), (15.5, 2.0, 0.85)),
        flu_sensitivity=0.25,
        aht_hour_amp_frac=0.05,
    ),
    "sched_sms": QueueProfile(
        daily_contacts=480,
        weekday_factor=(1.1, 1.02, 1.0, 0.97, 0.92, 0.4, 0.0),
        bumps=((10.2, 1.6, 1.0), (16.0, 1.6, 0.9)),
        floor=0.3,
        flu_sensitivity=0.15,
        lunch_dip=(12.4, 0.55, 0.1),
        aht_hour_amp_frac=0.04,
    ),
    "billing_email": QueueProfile(
        daily_contacts=200,
        weekday_factor=(1.3, 1.05, 1.0, 0.95, 0.85, 0.0, 0.0),
        bumps=((9.0, 1.4, 1.0), (13.5, 2.5, 0.7)),
        floor=0.35,
        monday_am_boost_frac=0.45,
        enrollment_sensitivity=0.45,
        minor_holiday_factor=0.7,
        lunch_dip=(12.4, 0.55, 0.05),
        aht_hour_amp_frac=0.04,
    ),
}

_CHANNEL_DAILY = {
    Channel.VOICE: 400.0,
    Channel.CHAT: 200.0,
    Channel.SMS: 250.0,
    Channel.EMAIL: 150.0,
}


def profile_for(queue: Queue) -> QueueProfile:
    """The sample profile for a known queue id, else a default from channel and hours."""
    if queue.id in SAMPLE_PROFILES:
        return SAMPLE_PROFILES[queue.id]
    if queue.is_24_7:
        return SAMPLE_PROFILES["triage_voice"]
    return QueueProfile(daily_contacts=_CHANNEL_DAILY[queue.channel])
