"""The error codes of customer portal links (decision 0038)."""

from __future__ import annotations

from o2c.errors import ErrorCode


class PortalErrorCode(ErrorCode):
    LINK_OF_OTHER_CUSTOMER = "link_of_other_customer"
    LINK_ALREADY_REVOKED = "link_already_revoked"
