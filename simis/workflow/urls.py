from django.urls import URLPattern, URLResolver, path

from simis.workflow import views

app_name = "workflow"

urlpatterns: list[URLPattern | URLResolver] = [
    path("inbox/", views.inbox, name="inbox"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task-claim"),
    path("tasks/<int:pk>/reassign/", views.task_reassign, name="task-reassign"),
    path("cases/", views.my_cases, name="my-cases"),
    path("cases/<int:pk>/", views.case_detail, name="case"),
    path("cases/<int:pk>/resubmit/", views.case_resubmit, name="case-resubmit"),
    path("team/", views.team, name="team"),
    path("team/<int:user_id>/redistribute/", views.team_redistribute, name="team-redistribute"),
    path("availability/", views.availability, name="availability"),
    path("availability/<int:pk>/remove/", views.absence_remove, name="absence-remove"),
]
