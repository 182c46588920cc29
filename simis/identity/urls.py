from django.urls import path

from simis.identity import views

app_name = "identity"
urlpatterns = [
    path("step-up/", views.step_up, name="step_up"),
    path("staff/users/", views.staff_user_list, name="staff_user_list"),
    path("staff/users/<int:pk>/", views.staff_user_detail, name="staff_user_detail"),
    path("staff/users/<int:pk>/grant/", views.staff_user_grant, name="staff_user_grant"),
    path(
        "staff/users/<int:pk>/withdraw/<int:job_function_pk>/",
        views.staff_user_withdraw,
        name="staff_user_withdraw",
    ),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path(
        "organisations/<str:org_kind>/<str:org_key>/users/",
        views.organisation_users,
        name="organisation_users",
    ),
]
