-- en: Your own layer in Lua, gradient-checked
-- zh: 用 Lua 编写自己的层，并做梯度检查
--
-- Lesson 14: a Dense layer written in Lua with nn.Layer:extend (build with
-- add_weight, call, backward), checked by a finite difference by hand and by
-- nn.gradcheck; a wrong backward caught by the check; the Lua layer trained
-- side by side with nnscope's own Dense.

say{en = [[
In Keras a layer of your own subclasses Layer: build(input_shape) creates the
weights with add_weight, call(x) computes the output. Keras finds the gradients
by automatic differentiation. nnscope has none: you also write backward(x,
grad), which receives dL/d(output) and must set each weight's gradient and
return dL/d(input). That is exactly the chain rule of lesson 6, and it is the
best way to really understand it.]],
zh = [[在 Keras 中，自定义层要继承 Layer：build(input_shape) 用 add_weight 创建权重，call(x) 计算输出。
Keras 通过自动微分求梯度。nnscope 没有自动微分：你还要写 backward(x, grad)，它收到 dL/d(输出)，
必须设置每个权重的梯度，并返回 dL/d(输入)。这正是第 6 课的链式法则，也是真正理解它的最好方法。]]}

demo([[MyDense = nn.Layer:extend("MyDense")]])
demo([[
function MyDense:init(units, options)
  self.units = units
  self.input_shape = options and options.input_shape    -- Keras's keyword, optional
end

function MyDense:build(input_shape)
  self.w = self:add_weight{shape = {input_shape[1], self.units}, initializer = "glorot_uniform",
                           name = "kernel"}
  self.b = self:add_weight{shape = {self.units}, initializer = "zeros", name = "bias"}
end

-- y = x W + b        x:(B, in)  W:(in, units)  b:(units)
function MyDense:call(x)
  return x:matmul(self.w.value) + self.b.value
end

-- dW = x^T grad;  db = sum over the batch of grad;  dx = grad W^T
function MyDense:backward(x, grad)
  self.w.grad = x:transpose():matmul(grad)
  self.b.grad = grad:sum(1)
  return grad:matmul(self.w.value:transpose())
end]])
say{en = [[
The three lines of backward are the formulas of lesson 6 for a whole batch:
each weight W[i][j] multiplies x[i] into y[j], so its gradient sums x[i] times
grad[j] over the samples (x^T grad); the bias adds into every sample, so its
gradient is the sum of grad over the batch; and x[i] reaches every y[j] through
W[i][j], so dL/dx = grad W^T.]],
zh = [[backward 的三行就是第 6 课的公式，只是针对一整批：每个权重 W[i][j] 把 x[i] 乘进 y[j]，
所以它的梯度是对所有样本求 x[i] 乘 grad[j] 的和（x^T grad）；偏置加到每个样本上，所以它的梯度是
grad 在批上的和；而 x[i] 通过 W[i][j] 到达每个 y[j]，所以 dL/dx = grad W^T。]]}
pause()

say{en = [[
Is it right? Measure one gradient. Take a random batch x, build the layer, and
a random weighting r of its outputs: L = sum of r * y, so dL/dy = r. Nudge one
kernel entry by +h and -h:]],
zh = [[它对吗？测一个梯度看看。取一批随机的 x，构建这个层，并用随机权重 r 组合它的输出：
L = Σ r * y，所以 dL/dy = r。把 kernel 的某一项分别加上 +h 和 -h：]]}
demo("nn.utils.set_random_seed(2)")
demo("layer = MyDense(3, {input_shape = {5}})")
demo("model = nn.Sequential{layer}")
demo("x = nn.randn{4, 5}")
demo("r = nn.randn{4, 3}")
demo("L = function() return (layer:call(x) * r):sum() end")
demo([[
h, w0 = 1e-2, layer.w.value[2][3]
layer.w.value:set(2, 3, w0 + h); Lp = L()
layer.w.value:set(2, 3, w0 - h); Lm = L()
layer.w.value:set(2, 3, w0)]])
local numeric = demo("(Lp - Lm) / (2 * h)")
demo("layer:backward(x, r)")
local analytic = demo("layer.w.grad[2][3]")
check(numeric and analytic and approx(numeric, analytic, 1e-3),
      {en = "the measured slope should match backward's dW[2][3]",
       zh = "测得的斜率应与 backward 给出的 dW[2][3] 一致"},
      {en = ("finite difference %.5f, backward %.5f"):format(numeric or 0, analytic or 0),
       zh = ("有限差分 %.5f，backward 给出 %.5f"):format(numeric or 0, analytic or 0)})

say{en = [[
nn.gradcheck does this for every weight and every input value, and reports the
worst relative error of each tensor: about 1e-4 or less for a correct float32
backward, about 1 for a wrong one.]],
zh = [[nn.gradcheck 对每个权重和每个输入值都这样做，并报告每个张量最差的相对误差：
正确的 float32 backward 约为 1e-4 或更小，错误的约为 1。]]}
local report = demo("nn.gradcheck(MyDense(3), nn.randn{4, 5})")
check(report and report.ok and report.worst < 1e-2,
      {en = "MyDense should pass the gradient check", zh = "MyDense 应通过梯度检查"},
      {en = ("MyDense passes: worst relative error %.1e"):format(report and report.worst or 0),
       zh = ("MyDense 通过：最大相对误差 %.1e"):format(report and report.worst or 0)})
pause()

say{en = [[
Now a classic mistake: averaging the bias gradient over the batch instead of
summing it. The loss is already averaged over the batch (that factor is in
grad), so averaging again divides the bias gradient by the batch size.]],
zh = [[现在来看一个典型错误：对偏置梯度在批上取平均而不是求和。损失本身已经对批取过平均
（这个因子已经在 grad 里了），再平均一次就把偏置梯度除以了批大小。]]}
demo([[BadDense = nn.Layer:extend("BadDense")]])
demo([[
BadDense.init, BadDense.build, BadDense.call = MyDense.init, MyDense.build, MyDense.call
function BadDense:backward(x, grad)
  self.w.grad = x:transpose():matmul(grad)
  self.b.grad = grad:mean(1)                  -- wrong: should be sum
  return grad:matmul(self.w.value:transpose())
end]])
local bad = demo("nn.gradcheck(BadDense(3), nn.randn{4, 5})")
check(bad and not bad.ok and bad.bias > 0.1 and bad.kernel < 1e-2,
      {en = "gradcheck should flag the bias and only the bias", zh = "gradcheck 应只指出偏置的问题"},
      {en = ("caught: bias error %.2f, kernel and input still fine"):format(bad and bad.bias or 0),
       zh = ("被发现了：偏置误差 %.2f，kernel 和输入仍然正确"):format(bad and bad.bias or 0)})

say{en = [[
A parameter-free layer is even shorter. Square computes y = x^2 elementwise.]],
zh = [[没有参数的层更短。Square 逐元素计算 y = x^2。]]}
demo([[Square = nn.Layer:extend("Square")]])
demo("function Square:call(x) return x * x end")
demo("grad = nn.tensor{{1, 1, 1}, {0.5, -1, 2}}")
demo("x = nn.tensor{{1, 2, 3}, {-1, 0, 4}}")
local want = x * 2 * grad
try{{en = "Square's backward must return dL/dx from x and grad. Type that expression (x and grad are set).",
     zh = "Square 的 backward 必须用 x 和 grad 返回 dL/dx。请输入这个表达式（x 和 grad 已经设置好）。"},
    check = function(v) return (v - want):abs():max() < 1e-6 end,
    answers = {"grad * x", "grad * x * 2"},
    hint = {en = "the derivative of x^2 is 2x, times the gradient arriving from above",
            zh = "x^2 的导数是 2x，再乘以从上面传来的梯度"}}
demo("function Square:backward(x, grad) return grad * x * 2 end")
local sq = demo("nn.gradcheck(Square(), nn.randn{3, 4})")
check(sq and sq.ok, {en = "Square should pass the gradient check", zh = "Square 应通过梯度检查"},
      {en = "Square passes its gradient check", zh = "Square 通过了梯度检查"})
pause()

say{en = [[
Last proof: a model with MyDense trains exactly like one with nnscope's Dense.
Same starting weights, same data, five SGD steps each:]],
zh = [[最后的证明：使用 MyDense 的模型与使用 nnscope 自带 Dense 的模型训练结果完全一样。
相同的初始权重、相同的数据，各走五步 SGD：]]}
demo("xs, ys = nn.datasets.make_moons{n = 64, noise = 0.1, seed = 3}")
demo([[
two = function(out_layer)
  nn.utils.set_random_seed(4)
  local m = nn.Sequential{nn.Dense{8, activation = "tanh", input_dim = 2}, out_layer}
  m:compile{optimizer = nn.optimizers.SGD{learning_rate = 0.1}, loss = "mse"}
  return m
end]])
demo("mine, theirs = two(MyDense(2)), two(nn.Dense{2})")
demo("theirs:set_weights(mine:get_weights())")
demo("target = nn.utils.to_categorical(ys, 2)")
local lm, lt
for step = 1, 5 do
  lm = mine:train_on_batch(xs, target)
  lt = theirs:train_on_batch(xs, target)
  print(("  step %d   MyDense %.6f   Dense %.6f"):format(step, lm, lt))
end
check(approx(lm, lt, 1e-4), {en = "both models should follow the same losses", zh = "两个模型的损失应完全相同"},
      {en = "the Lua layer and the C layer take the same five steps", zh = "Lua 层与 C 层走了同样的五步"})
if watch(mine, "network") then
  say{en = "The window draws your layer like any other.", zh = "窗口会像画其他层一样画出你的层。"}
end

say{en = [[
About the course: text 000 mentions an "InitializableLayer" (Keras has none:
initial values come from initializers given to add_weight or to a layer's
kernel_initializer) and "CustomGradientTape" answers that do not run. In real
Keras, tf.GradientTape records operations and differentiates them for you; here
you write backward and let gradcheck tell you whether it is right.

Next lesson: decision boundaries, what networks draw on the plane.]],
zh = [[关于课程：第 000 篇提到了 “InitializableLayer”（Keras 没有这个层：初始值来自传给 add_weight
或层的 kernel_initializer 的初始化器），以及无法运行的 “CustomGradientTape” 答案。
在真正的 Keras 中，tf.GradientTape 会记录运算并替你求导；在这里由你来写 backward，
再由 gradcheck 告诉你写得对不对。

下一课：决策边界，网络在平面上画出的东西。]]}
