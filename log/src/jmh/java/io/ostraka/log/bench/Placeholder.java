package io.ostraka.log.bench; final class Placeholder { private Placeholder() {} }
