package org.carehost.http.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Errors as RFC 9457 problem details ({@code application/problem+json}): type, title, status, detail, instance. */
final class Problems {

    static final String TYPE_BASE = "https://carehost.org/problems/";

    private Problems() {
    }

    static void write(ObjectMapper json, HttpServletRequest request, HttpServletResponse response, int status,
            String type, String title, String detail) throws IOException {
        write(json, request, response, status, type, title, detail, null);
    }

    /** A problem with an {@code errors} list (one entry per invalid field: {@code pointer}, {@code field}, {@code detail}). */
    static void write(ObjectMapper json, HttpServletRequest request, HttpServletResponse response, int status,
            String type, String title, String detail, java.util.List<Map<String, String>> errors) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", TYPE_BASE + type);
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", request.getRequestURI());
        if (errors != null) {
            problem.put("errors", errors);
        }
        response.setStatus(status);
        if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())
                && request.getContentLengthLong() != 0) {
            // The body of a refused request may be unread: the server closes the connection after this answer, so
            // the client must not send its next request on it.
            response.setHeader("Connection", "close");
        }
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        json.writeValue(response.getOutputStream(), problem);
    }

    /** A failure with its HTTP status, thrown by handlers and written as a problem by the servlet. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;
        final String title;
        final transient java.util.List<Map<String, String>> errors;

        Failure(int status, String type, String title, String detail) {
            this(status, type, title, detail, null);
        }

        Failure(int status, String type, String title, String detail, java.util.List<Map<String, String>> errors) {
            super(detail);
            this.status = status;
            this.type = type;
            this.title = title;
            this.errors = errors == null ? null : java.util.List.copyOf(errors);
        }
    }
}
