def navigation(request):
    """Unread notifications, to-do counts and what the user's roles allow, for the navigation."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from govbrief.notifications.selectors import unread_count
    from govbrief.orgs.choices import DRAFTING_ROLES, SCREENING_ROLES, SIGNING_ROLES
    from govbrief.reports.selectors import dashboard_counts

    in_unit = user.unit_id is not None
    screen = in_unit and user.has_role(*SCREENING_ROLES)
    nav_queues = []
    if screen:
        from govbrief.reports.choices import Queue
        from govbrief.reports.selectors import queue_counts

        counts = queue_counts(user=user)
        nav_queues = [(value, label, counts[value]) for value, label in Queue.choices]
    return {
        "nav_queues": nav_queues,
        "nav_unread": unread_count(user=user),
        "nav_counts": dashboard_counts(user=user),
        "perms_ui": {
            "draft": in_unit and user.has_role(*DRAFTING_ROLES),
            "sign": in_unit and user.has_role(*SIGNING_ROLES),
            "screen": screen,
        },
    }
