from django.urls import path

from .views import agenda, member, officer, rounds

app_name = "events"

urlpatterns = [
    # program officers
    path("officer/events/", officer.event_list, name="officer-list"),
    path("officer/events/<int:pk>/", officer.event_manage, name="officer-event"),
    path("officer/events/<int:pk>/sessions/", officer.session_add, name="session-add"),
    path("officer/events/sessions/<int:pk>/remove/", officer.session_remove, name="session-remove"),
    path("officer/events/<int:pk>/invite/", officer.invite, name="invite"),
    path("officer/events/<int:pk>/close/", officer.event_close, name="close"),
    path("officer/events/<int:pk>/meetings/", officer.meeting_add, name="meeting-add"),
    *[path(f"officer/meetings/<int:pk>/{a}/", officer.meeting_action, {"action": a}, name=f"meeting-{a}")
      for a in ("lock", "unlock", "cancel", "attendance")],
    path("officer/events/<int:pk>/schedule/", officer.schedule_start, name="schedule-start"),
    path("officer/events/<int:pk>/schedule/progress/", officer.schedule_progress, name="schedule-progress"),
    path("officer/events/<int:pk>/roadshow/", officer.roadshow_edit, name="roadshow"),
    path("officer/events/<int:pk>/plan/", officer.plan, name="plan"),
    path("officer/events/<int:pk>/checkin/", officer.checkin_desk, name="checkin"),
    path("officer/events/<int:pk>/checkin/<str:token>/", officer.checkin_scan, name="checkin-scan"),
    path("officer/matches/rounds/", rounds.round_list, name="round-list"),
    path("officer/matches/rounds/<int:pk>/", rounds.round_detail, name="round-detail"),
    path("officer/matches/rounds/<int:pk>/approve/", rounds.round_approve, name="round-approve"),
    # invited organisations
    path("events/", member.my_events, name="my-events"),
    path("events/<int:pk>/", member.event_detail, name="event-detail"),
    path("events/<int:pk>/register/", member.register, name="register"),
    path("events/<int:pk>/decline/", member.decline, name="decline"),
    path("events/<int:pk>/request/", member.meeting_request, name="request"),
    *[path(f"meetings/<int:pk>/{a}/", member.meeting_answer, {"action": a}, name=f"meeting-answer-{a}")
      for a in ("accept", "decline", "cancel")],
    path("meetings/<int:pk>/rate/", member.meeting_rate, name="meeting-rate"),
    path("events/<int:pk>/agenda/<int:org>/", agenda.agenda_page, name="agenda"),
    path("events/<int:pk>/agenda/<int:org>/agenda.pdf", agenda.agenda_pdf_view, name="agenda-pdf"),
    path("events/<int:pk>/agenda/<int:org>/agenda.ics", agenda.agenda_ics_view, name="agenda-ics"),
]
