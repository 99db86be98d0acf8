"""A playbook's `impact:`: what an hour of the outage costs, for the incident report's estimate."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Impact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cost_per_hour: float | None = Field(None, ge=0, description="what an hour of this outage costs")
    leads_per_hour: float | None = Field(None, ge=0, description="leads the affected pages bring in an hour")
    value_per_lead: float | None = Field(None, ge=0, description="what one lead is worth")
    currency: str = Field("USD", max_length=8, description="the unit the figures are in")

    @model_validator(mode="after")
    def _some_figure(self) -> Impact:
        if self.cost_per_hour is None and (self.leads_per_hour is None or self.value_per_lead is None):
            raise ValueError("give cost_per_hour, or leads_per_hour with value_per_lead")
        return self

    @property
    def hourly(self) -> float:
        """The cost of an hour: cost_per_hour, plus the leads lost at their value."""
        leads = (self.leads_per_hour or 0.0) * (self.value_per_lead or 0.0)
        return (self.cost_per_hour or 0.0) + leads
