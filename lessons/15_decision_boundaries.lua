-- en: Decision boundaries on 2-D data (xor, circles, spirals)
-- zh: 二维数据上的决策边界（异或、同心圆、螺旋）
--
-- Lesson 15: what a classifier does to the whole plane; a linear model draws a
-- straight line, hidden layers bend it; xor, circles and spirals each need a
-- bit more network.

say{en = [[
A classifier with 2 inputs gives a class to every point of the plane. The
decision boundary is the line where its answer changes. We draw the plane in
the terminal: "." where the model says class 0, "#" where it says class 1, ":"
where it hesitates (probability between 0.35 and 0.65), with some training
points on top as "o" (class 0) and "x" (class 1).]],
zh = [[一个有 2 个输入的分类器会给平面上的每个点一个类别。决策边界就是它的答案发生变化的那条线。
我们在终端里画出这个平面："." 表示模型判为类别 0，"#" 表示判为类别 1，":" 表示它犹豫不决
（概率在 0.35 到 0.65 之间），再把部分训练点叠加在上面，"o" 为类别 0，"x" 为类别 1。]]}

demo([[
draw = function(model, x, y)
  local W, H = 60, 22
  local lo, hi = x:min() - 0.5, x:max() + 0.5
  local grid = {}
  for r = 1, H do
    for c = 1, W do
      grid[#grid + 1] = {lo + (c - 0.5) / W * (hi - lo), hi - (r - 0.5) / H * (hi - lo)}
    end
  end
  local p = model:predict(nn.tensor(grid))
  local rows = {}
  for r = 1, H do
    rows[r] = {}
    for c = 1, W do
      local q = p[(r - 1) * W + c][2]
      rows[r][c] = q > 0.65 and "#" or q < 0.35 and "." or ":"
    end
  end
  for i = 1, x:shape()[1], 4 do
    local c = math.floor((x[i][1] - lo) / (hi - lo) * W) + 1
    local r = math.floor((hi - x[i][2]) / (hi - lo) * H) + 1
    if rows[r] and rows[r][c] then rows[r][c] = y[i] == 1 and "x" or "o" end
  end
  for r = 1, H do print("  " .. table.concat(rows[r])) end
end]])
demo([[
train = function(layers, x, y, epochs)
  nn.utils.set_random_seed(1)
  local m = nn.Sequential(layers)
  m:compile{optimizer = nn.optimizers.Adam{learning_rate = 0.01},
            loss = "sparse_categorical_crossentropy", metrics = {"accuracy"}}
  watch(m, "boundary")
  m:fit(x, y, {epochs = epochs or 100, batch_size = 32, verbose = 0})
  local _, acc = m:evaluate(x, y, {verbose = 0})
  return m, acc
end]])
pause()

say{en = [[
XOR: class 1 in two opposite quadrants, class 0 in the other two. First a
linear model, softmax directly on x W + b: the two classes' scores are both
linear in x, so the boundary where they are equal is a straight line.]],
zh = [[异或（XOR）：类别 1 在两个相对的象限，类别 0 在另外两个。先试线性模型，直接对 x W + b 做 softmax：
两个类别的分数都是 x 的线性函数，所以两者相等处的边界是一条直线。]]}
demo("x, y = nn.datasets.make_xor{n = 400, noise = 0.1, seed = 1}")
demo([[linear, acc_lin = train({nn.Dense{2, activation = "softmax", input_dim = 2}}, x, y)]])
draw(linear, x, y)
demo("acc_lin")
say{en = [[
No straight line separates XOR: whatever line you draw, at least a quarter of
the points are on the wrong side of it. Here the linear model hedges instead,
close to 0.5 everywhere (":"), and gets about half right. One hidden layer of
16 tanh units:]],
zh = [[没有任何一条直线能分开异或：无论怎么画线，至少有四分之一的点落在错误的一侧。
这里线性模型干脆“两边下注”，到处都接近 0.5（":"），只对了大约一半。加一个 16 个 tanh 单元的隐藏层：]]}
demo([[
mlp, acc_mlp = train({nn.Dense{16, activation = "tanh", input_dim = 2},
                      nn.Dense{2, activation = "softmax"}}, x, y)]])
draw(mlp, x, y)
snap("xor", "boundary")
demo("acc_mlp")
check(acc_lin < 0.7 and acc_mlp > 0.9,
      {en = "the linear model should fail on XOR and the MLP succeed", zh = "线性模型应在异或上失败，而多层感知机成功"},
      {en = ("XOR: linear %.3f, one hidden layer %.3f"):format(acc_lin, acc_mlp),
       zh = ("异或：线性 %.3f，一个隐藏层 %.3f"):format(acc_lin, acc_mlp)})
try{{en = "Ask the MLP for the probabilities at the point (3, 3): mlp:predict(nn.tensor{{3, 3}})",
     zh = "问问多层感知机点 (3, 3) 处的概率：mlp:predict(nn.tensor{{3, 3}})"},
    check = function(v) return type(v) ~= "number" and v:shape()[2] == 2 end,
    answers = {"mlp:predict(nn.tensor{3, 3})", "mlp:predict(nn.tensor{{3, 3}})"},
    hint = {en = "predict wants a batch: a table of rows, {{3, 3}}",
            zh = "predict 需要一批数据：行的表 {{3, 3}}"}}
pause()

say{en = [[
Circles: class 1 inside, class 0 around it. A straight line cannot enclose
anything; the hidden units each draw a line, and the output combines them into
a closed curve.]],
zh = [[同心圆：类别 1 在内，类别 0 在外围。直线无法围住任何东西；每个隐藏单元各画一条直线，
输出层把它们组合成一条封闭曲线。]]}
demo("x, y = nn.datasets.make_circles{n = 400, noise = 0.1, seed = 1}")
demo([[linear, acc_lin = train({nn.Dense{2, activation = "softmax", input_dim = 2}}, x, y)]])
demo([[
mlp, acc_mlp = train({nn.Dense{16, activation = "tanh", input_dim = 2},
                      nn.Dense{2, activation = "softmax"}}, x, y)]])
draw(mlp, x, y)
demo("acc_lin, acc_mlp")
check(acc_lin < 0.7 and acc_mlp > 0.9,
      {en = "the circles need a hidden layer", zh = "同心圆需要隐藏层"},
      {en = ("circles: linear %.3f, one hidden layer %.3f"):format(acc_lin, acc_mlp),
       zh = ("同心圆：线性 %.3f，一个隐藏层 %.3f"):format(acc_lin, acc_mlp)})
pause()

say{en = [[
Spirals: two arms wound around each other. Now the small network is not
enough; give it two hidden layers of 32 ReLU units.]],
zh = [[螺旋：两条相互缠绕的旋臂。这次小网络就不够了；给它两个 32 个 ReLU 单元的隐藏层。]]}
demo("x, y = nn.datasets.make_spirals{n = 400, noise = 0.1, seed = 1}")
demo([[
small, acc_small = train({nn.Dense{16, activation = "tanh", input_dim = 2},
                          nn.Dense{2, activation = "softmax"}}, x, y)]])
draw(small, x, y)
demo([[
deep, acc_deep = train({nn.Dense{32, activation = "relu", input_dim = 2},
                        nn.Dense{32, activation = "relu"},
                        nn.Dense{2, activation = "softmax"}}, x, y)]])
draw(deep, x, y)
snap("spirals", "boundary")
demo("acc_small, acc_deep")
check(acc_deep > 0.9 and acc_deep > acc_small,
      {en = "two hidden layers should follow the spirals", zh = "两个隐藏层应能跟上螺旋"},
      {en = ("spirals: one tanh layer %.3f, two ReLU layers %.3f"):format(acc_small, acc_deep),
       zh = ("螺旋：一个 tanh 层 %.3f，两个 ReLU 层 %.3f"):format(acc_small, acc_deep)})
say{en = [[
Each ReLU unit folds the plane along a line; a second layer folds the folded
plane again, so the pieces multiply and the boundary can wind. Depth buys
complicated shapes with few units. (These accuracies are on the training
points themselves: with 2-D data you can see overfitting too, as a boundary
that wriggles around single points.)

Next lesson: the mistakes of the course texts, run and watched.]],
zh = [[每个 ReLU 单元沿一条直线把平面折一下；第二层再把折过的平面折一次，于是分片的数目成倍增加，
边界就能弯弯绕绕。深度用很少的单元就能得到复杂的形状。（这些准确率都是在训练点本身上算的：
在二维数据上也能看到过拟合，表现为绕着个别点扭来扭去的边界。）

下一课：把课程中的错误跑一遍，看看会发生什么。]]}
